import { ORDER_STATUSES } from '../orders/order-state-machine.js';

/**
 * The `/notifications` Socket.IO contract, in one place: every event the server emits, with its
 * payload as a JSON Schema. The TypeScript payload types are derived from those schemas
 * ({@link PayloadOf}), so the gateway's emits, the AsyncAPI document (`npm run asyncapi` →
 * asyncapi.json), the example SPA client and the tests all read the same definition.
 *
 * This file imports nothing but the order statuses (plain data), so browser and example code
 * can import its types without pulling in Nest.
 */

/** The namespace the gateway serves. */
export const NOTIFICATIONS_NAMESPACE = '/notifications';

/** The `message` of the `connect_error` a refused handshake gets (no `data`). */
export const HANDSHAKE_REFUSED = 'unauthorized';

// -- A small JSON Schema subset, typed so that TypeScript can read a payload type out of it --

interface StringSchema {
  /** `['string', 'null']`: the value may be null (JSON Schema 2020-12, as AsyncAPI 3 reads it). */
  readonly type: 'string' | readonly ['string', 'null'];
  readonly description: string;
  readonly format?: 'uuid' | 'date-time';
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly minLength?: number;
}
interface IntegerSchema {
  readonly type: 'integer';
  readonly description: string;
  readonly minimum?: number;
}
interface BooleanSchema {
  readonly type: 'boolean';
  readonly description: string;
  readonly const?: boolean;
}
type PropertySchema = StringSchema | IntegerSchema | BooleanSchema;

/** A payload: an object with only the listed properties. */
export interface PayloadSchema {
  readonly type: 'object';
  readonly additionalProperties: false;
  readonly required: readonly string[];
  readonly properties: Readonly<Record<string, PropertySchema>>;
}

type ValueOf<P> = P extends { const: infer C }
  ? C
  : P extends { enum: ReadonlyArray<infer E> }
    ? E
    : P extends { type: readonly ['string', 'null'] }
      ? string | null
      : P extends { type: 'string' }
        ? string
        : P extends { type: 'integer' }
          ? number
          : P extends { type: 'boolean' }
            ? boolean
            : never;

type Simplify<T> = { [K in keyof T]: T[K] };

/** The TypeScript type of a payload described by `S`. */
export type PayloadOf<S extends PayloadSchema> = Simplify<
  {
    -readonly [K in keyof S['properties'] & S['required'][number]]: ValueOf<S['properties'][K]>;
  } & {
    -readonly [K in Exclude<keyof S['properties'], S['required'][number]>]?: ValueOf<
      S['properties'][K]
    >;
  }
>;

/** One server → client event: who gets it, when, and its payload. */
export interface ServerEventDefinition {
  /** A one-line summary (the AsyncAPI message's `summary`). */
  readonly summary: string;
  /** Who receives it and what the client should do (CommonMark). */
  readonly description: string;
  readonly payload: PayloadSchema;
  /** A realistic payload (validated against `payload` by the tests). */
  readonly example: Readonly<Record<string, unknown>>;
}

const orderStatus = (description: string) =>
  ({ type: 'string', enum: ORDER_STATUSES, description }) as const;

/**
 * Every event the server emits on `/notifications`. Adding one here adds it to the gateway's
 * type, to asyncapi.json (regenerate) and to the test that checks each payload on the wire.
 */
export const SERVER_EVENTS = {
  order_status_update: {
    summary: 'An order changed status',
    description:
      "Sent to the order owner's sockets (room `user:<id>`) and to every staff socket (room " +
      '`staff`) after the change committed. The same change is stored as a notification with id ' +
      '`notificationId`: deduplicate by it against `GET /api/notifications?after=`.',
    payload: {
      type: 'object',
      additionalProperties: false,
      required: [
        'notificationId',
        'orderId',
        'orderNumber',
        'oldStatus',
        'newStatus',
        'message',
        'timestamp',
      ],
      properties: {
        notificationId: {
          type: ['string', 'null'],
          format: 'uuid',
          description:
            "The stored notification's id (the owner's `listNotifications` has it); `null` for a guest order, which has no stored notifications",
        },
        orderId: { type: 'string', format: 'uuid', description: 'The order' },
        orderNumber: {
          type: 'string',
          pattern: '^[0-9]+$',
          description: "The order's number, as customers see it",
        },
        oldStatus: orderStatus('The status before the change'),
        newStatus: orderStatus('The status now'),
        message: { type: 'string', description: 'A sentence for the customer, e.g. for a toast' },
        timestamp: {
          type: 'string',
          format: 'date-time',
          description: 'When the change happened (ISO 8601, UTC)',
        },
      },
    },
    example: {
      notificationId: '0193a6f2-7c1e-7d43-9b1a-5f2e8c4d9a10',
      orderId: '6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b',
      orderNumber: '1042',
      oldStatus: 'pending',
      newStatus: 'confirmed',
      message: 'Order #1042 is confirmed and your payment was accepted.',
      timestamp: '2026-12-07T09:41:12.345Z',
    },
  },
  order_created: {
    summary: 'A new order was placed (staff only)',
    description:
      'Sent to every staff socket (room `staff`) after a checkout committed. The customer who ' +
      'placed it gets no push: their stored `order_created` notification arrives by the next ' +
      'catch-up.',
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['orderId', 'orderNumber', 'userId', 'total', 'currency', 'timestamp'],
      properties: {
        orderId: { type: 'string', format: 'uuid', description: 'The order' },
        orderNumber: {
          type: 'string',
          pattern: '^[0-9]+$',
          description: "The order's number, as customers see it",
        },
        userId: {
          type: ['string', 'null'],
          format: 'uuid',
          description: 'The customer who placed it; `null` for a guest order',
        },
        total: {
          type: 'integer',
          minimum: 0,
          description: 'The total in minor units of `currency` (cents)',
        },
        currency: {
          type: 'string',
          pattern: '^[A-Z]{3}$',
          description: 'ISO 4217 currency code',
        },
        timestamp: {
          type: 'string',
          format: 'date-time',
          description: 'When the order was placed (ISO 8601, UTC)',
        },
      },
    },
    example: {
      orderId: '6f1c2b9e-3d4a-4e5f-8a7b-1c2d3e4f5a6b',
      orderNumber: '1042',
      userId: '2a9d7e14-5b3c-4f6a-9e8d-7c6b5a4f3e2d',
      total: 5998,
      currency: 'USD',
      timestamp: '2026-12-07T09:40:58.101Z',
    },
  },
  token_expired: {
    summary: "The socket's access token expired",
    description:
      'Sent just before the server disconnects a socket whose access token expired. The socket ' +
      'then sees `disconnect` with the reason `io server disconnect`, which socket.io-client does ' +
      'not retry by itself: refresh the session and call `socket.connect()`, then catch up.',
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['reason'],
      properties: { reason: { type: 'string', description: 'Why, in English' } },
    },
    example: { reason: 'access token expired: reconnect with a fresh token' },
  },
  server_shutdown: {
    summary: 'This server instance is shutting down',
    description:
      'Sent to every socket of an instance that is stopping (a deploy, a scale-in), just before ' +
      'it closes them. The socket sees `disconnect` with the reason `transport close` and ' +
      'socket.io-client reconnects by itself (to another instance behind the load balancer, or ' +
      'this one once restarted); catch up on that `connect`.',
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['reconnect', 'reason'],
      properties: {
        reconnect: { type: 'boolean', const: true, description: 'Always true: reconnect' },
        reason: { type: 'string', description: 'Why, in English' },
      },
    },
    example: {
      reconnect: true,
      reason: 'server shutting down: reconnect, then catch up with GET /api/notifications?after=',
    },
  },
  session_limit: {
    summary: 'Too many sockets for this account: this one, the oldest, is closed',
    description:
      "Sent to a user's oldest socket when a new one takes them over `SOCKETS_PER_USER` (counted " +
      'across instances), just before the server disconnects it (`io server disconnect`). Do not ' +
      'reconnect it (that would push out the next oldest): tell the user the notifications moved ' +
      'to another tab or device.',
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['reconnect', 'limit', 'reason'],
      properties: {
        reconnect: { type: 'boolean', const: false, description: 'Always false: do not reconnect' },
        limit: { type: 'integer', minimum: 1, description: 'The sockets one user may hold' },
        reason: { type: 'string', description: 'Why, in English' },
      },
    },
    example: {
      reconnect: false,
      limit: 20,
      reason: 'more than 20 connections for this account: the oldest is closed',
    },
  },
} as const satisfies Record<string, ServerEventDefinition>;

export type ServerEventName = keyof typeof SERVER_EVENTS;

/** The payload of the server event `E`. */
export type ServerEventPayload<E extends ServerEventName> = PayloadOf<
  (typeof SERVER_EVENTS)[E]['payload']
>;

/** socket.io's server → client event map (`Server<ClientToServerEvents, ServerToClientEvents>`). */
export type ServerToClientEvents = {
  [E in ServerEventName]: (payload: ServerEventPayload<E>) => void;
};

/** The client sends no events on `/notifications`: it listens, and catches up over REST. */
export type ClientToServerEvents = Record<string, never>;

export type OrderStatusUpdatePayload = ServerEventPayload<'order_status_update'>;
export type OrderCreatedPayload = ServerEventPayload<'order_created'>;

/**
 * The handshake's `auth` object (`io(url, { auth })`): a signed-in client sends its access token,
 * with or without a `Bearer ` prefix (an `Authorization: Bearer` header works too, for
 * non-browser clients); a guest sends the `guestToken` of its order (from `checkoutGuestCart`)
 * as `orderToken` and follows that one order: its `order_status_update` events, nothing else.
 */
export const HANDSHAKE_AUTH_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: [],
  properties: {
    token: {
      type: 'string',
      minLength: 1,
      description: 'The access token (JWT) from `login` or `refreshToken`',
    },
    orderToken: {
      type: 'string',
      minLength: 1,
      description:
        "A guest order's `guestToken` (from `checkoutGuestCart`), when no access token is sent",
    },
  },
} as const satisfies PayloadSchema;

export type HandshakeAuth = PayloadOf<typeof HANDSHAKE_AUTH_SCHEMA>;

/** What socket.io-client's `connect_error` carries when the server refuses the handshake. */
export const CONNECT_ERROR_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    message: {
      type: 'string',
      enum: [HANDSHAKE_REFUSED],
      description:
        'No token, a malformed or wrongly signed one, or an expired one: refresh the session and connect again',
    },
  },
} as const satisfies PayloadSchema;

export const staffRoom = 'staff';
export const userRoom = (userId: string): string => `user:${userId}`;
/** A guest order's room: the sockets that showed its order token (status changes only). */
export const orderRoom = (orderId: string): string => `order:${orderId}`;
