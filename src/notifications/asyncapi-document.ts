import {
  CONNECT_ERROR_SCHEMA,
  HANDSHAKE_AUTH_SCHEMA,
  HANDSHAKE_REFUSED,
  NOTIFICATIONS_NAMESPACE,
  SERVER_EVENTS,
  type ServerEventName,
} from './socket-events.js';

/** Where the running app serves the document (beside `/docs-json`, when DOCS_ENABLED). */
export const ASYNCAPI_DOCUMENT_PATH = '/docs-asyncapi.json';

/** The AsyncAPI 3 document's shape, as far as this module writes and the tests read it. */
export interface AsyncApiDocument {
  asyncapi: '3.0.0';
  info: { title: string; version: string; description: string };
  defaultContentType: string;
  servers: Record<string, Record<string, unknown>>;
  channels: Record<
    string,
    { address: string; messages: Record<string, { $ref: string }> } & Record<string, unknown>
  >;
  operations: Record<string, Record<string, unknown>>;
  components: {
    messages: Record<string, { name: string; payload: object } & Record<string, unknown>>;
    securitySchemes: Record<string, Record<string, unknown>>;
  };
}

const CHANNEL = 'notifications';
/** Socket.IO's reserved event for a refused handshake (a CONNECT_ERROR packet). */
const CONNECT_ERROR = 'connect_error';

/** `order_status_update` → `orderStatusUpdate` (operation ids read as verbs + nouns). */
const camel = (name: string): string =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
const pascal = (name: string): string => camel(name).replace(/^[a-z]/, (c) => c.toUpperCase());

const DESCRIPTION = [
  'Live order notifications of the Shop API over [Socket.IO](https://socket.io/docs/v4/) 4 ' +
    `(Engine.IO protocol 4), namespace \`${NOTIFICATIONS_NAMESPACE}\` on the HTTP API's host ` +
    'and port. This document describes the server: `send` operations are events the server ' +
    'emits, which clients listen to. Clients send no events.',
  '',
  '**Connect** with `` io(`${baseUrl}/notifications`, { auth: { token: accessToken } }) ``, ' +
    'ideally `transports: ["websocket"]` (no sticky sessions needed). The token is the access ' +
    'JWT from `login`/`refreshToken` of the HTTP API; non-browser clients may send an ' +
    '`Authorization: Bearer` header instead. Pass `auth` as a function so every reconnect sends ' +
    'the current token.',
  '',
  `**Refused handshake**: no token, a bad one or an expired one gives \`connect_error\` with the message \`${HANDSHAKE_REFUSED}\` ` +
    '(no `data`); socket.io-client does not retry it. Refresh the session, then connect again.',
  '',
  '**Rooms**: a socket is joined, before `connect` fires, to `user:<its user id>` and, for staff ' +
    'and admins, to `staff`. Each event says which rooms get it.',
  '',
  '**Catch up**: pushes are not stored on the way. On every `connect` (first and reconnects), ' +
    'list what was missed over HTTP with `GET /api/notifications?after=<newest notification id ' +
    'seen>` (operation `listNotifications`), and deduplicate by notification id.',
  '',
  '**Limits**: `SOCKETS_PER_USER` (20 by default) sockets per user across instances ' +
    '(`session_limit`); a socket lives at most as long as its access token (`token_expired`).',
].join('\n');

/**
 * The AsyncAPI 3.0 document of the `/notifications` namespace, built from the event map in
 * socket-events.ts only (no app, no database): `npm run asyncapi` writes it to asyncapi.json,
 * and the app serves it at {@link ASYNCAPI_DOCUMENT_PATH}.
 */
export function buildAsyncApiDocument(): AsyncApiDocument {
  const events = Object.keys(SERVER_EVENTS) as ServerEventName[];
  const messages: AsyncApiDocument['components']['messages'] = {};
  for (const name of events) {
    const event = SERVER_EVENTS[name];
    messages[name] = {
      name,
      title: name,
      summary: event.summary,
      description: event.description,
      payload: event.payload,
      examples: [{ name: 'example', payload: event.example }],
    };
  }
  messages[CONNECT_ERROR] = {
    name: CONNECT_ERROR,
    title: CONNECT_ERROR,
    summary: 'The handshake was refused',
    description:
      "Socket.IO's reserved event (a CONNECT_ERROR packet, not an `emit`): the namespace " +
      'middleware refused the handshake. socket.io-client gives an `Error` whose `message` is ' +
      "the payload's `message`; its `data` is undefined.",
    payload: CONNECT_ERROR_SCHEMA,
    examples: [{ name: 'refused', payload: { message: HANDSHAKE_REFUSED } }],
  };

  const channelMessages = Object.fromEntries(
    [...events, CONNECT_ERROR].map((name) => [name, { $ref: `#/components/messages/${name}` }]),
  );
  const channelRef = { $ref: `#/channels/${CHANNEL}` };
  const operations: AsyncApiDocument['operations'] = {};
  for (const name of events) {
    operations[`send${pascal(name)}`] = {
      action: 'send',
      channel: channelRef,
      summary: SERVER_EVENTS[name].summary,
      messages: [{ $ref: `#/channels/${CHANNEL}/messages/${name}` }],
    };
  }
  operations.refuseHandshake = {
    action: 'send',
    channel: channelRef,
    summary: `Refuses a handshake without a valid access token (\`${CONNECT_ERROR}\`)`,
    messages: [{ $ref: `#/channels/${CHANNEL}/messages/${CONNECT_ERROR}` }],
  };

  return {
    asyncapi: '3.0.0',
    info: { title: 'Shop API notifications', version: '1.0.0', description: DESCRIPTION },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: '{host}',
        pathname: '/socket.io',
        protocol: 'ws',
        title: 'The Shop API (Socket.IO over WebSocket, or HTTP long-polling)',
        description:
          'The same host and port as the HTTP API; Socket.IO’s Engine.IO path `/socket.io/`. ' +
          'Use `wss` where the API is served over HTTPS.',
        variables: {
          host: {
            default: 'localhost:3000',
            description: "The HTTP API's host and port",
          },
        },
        security: [{ $ref: '#/components/securitySchemes/accessToken' }],
      },
    },
    channels: {
      [CHANNEL]: {
        address: NOTIFICATIONS_NAMESPACE,
        title: 'The notifications namespace',
        description:
          'One Socket.IO namespace. Rooms: `user:<id>` (each socket of that user) and `staff` ' +
          '(every staff and admin socket). The handshake `auth` object is described by ' +
          '`x-handshake-auth`.',
        messages: channelMessages,
        // The Socket.IO CONNECT packet's `auth`: AsyncAPI has no Socket.IO binding to say it.
        'x-handshake-auth': HANDSHAKE_AUTH_SCHEMA,
        bindings: {
          ws: {
            bindingVersion: '0.1.0',
            method: 'GET',
            headers: {
              type: 'object',
              properties: {
                Authorization: {
                  type: 'string',
                  pattern: '^[Bb][Ee][Aa][Rr][Ee][Rr] \\S+$',
                  description:
                    '`Bearer <access token>`: instead of `auth.token`, for clients that can set ' +
                    'headers on the upgrade request (not browsers)',
                },
              },
            },
          },
        },
      },
    },
    operations,
    components: {
      messages,
      securitySchemes: {
        accessToken: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description:
            'The access token of the HTTP API, in the handshake `auth: {token}` (or an ' +
            '`Authorization: Bearer` header). The socket is disconnected when it expires.',
        },
      },
    },
  };
}

export function serializeAsyncApiDocument(document: AsyncApiDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
