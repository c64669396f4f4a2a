import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import {
  ASYNCAPI_DOCUMENT_PATH,
  buildAsyncApiDocument,
  serializeAsyncApiDocument,
} from '@/notifications/asyncapi-document.js';
import { SERVER_EVENTS, type ServerEventName } from '@/notifications/socket-events.js';
import { expectError } from '../support/expect-error.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { committedAsyncApi, messageValidator, RESERVED_CLIENT_EVENTS } from './asyncapi-support.js';

const EVENTS = Object.keys(SERVER_EVENTS) as ServerEventName[];

/** The event names a script listens to with `socket.on('…')` / `.once('…')`. */
const listenedEvents = (source: string): string[] => [
  ...new Set([...source.matchAll(/\bsocket\??\.(?:on|once)\(\s*'([a-z_]+)'/g)].map((m) => m[1])),
];

describe('asyncapi.json: the Socket.IO contract of /notifications', () => {
  it('is not stale: the committed file is what npm run asyncapi writes from the event map', () => {
    expect(readFileSync('asyncapi.json', 'utf8')).toBe(
      serializeAsyncApiDocument(buildAsyncApiDocument()),
    );
  });

  it('is valid AsyncAPI 3.0 for the AsyncAPI parser: no errors, no warnings', async () => {
    const diagnostics = await new Parser().validate(readFileSync('asyncapi.json', 'utf8'));
    const problems = diagnostics
      .filter((d) => [DiagnosticSeverity.Error, DiagnosticSeverity.Warning].includes(d.severity))
      .map((d) => `${d.code}: ${d.message} at ${d.path.join('.')}`);
    expect(problems).toEqual([]);
    expect(committedAsyncApi().asyncapi).toBe('3.0.0');
  });

  it('lists every server event once, each with a send operation on /notifications and the handshake refusal', () => {
    const document = committedAsyncApi();
    expect(messageValidator(document).events.sort()).toEqual([...EVENTS, 'connect_error'].sort());
    const sent = Object.values(document.operations).flatMap((op) => {
      expect(op).toMatchObject({ action: 'send', channel: { $ref: '#/channels/notifications' } });
      return (op.messages as Array<{ $ref: string }>).map((m) => m.$ref.split('/').pop());
    });
    expect(sent.sort()).toEqual([...EVENTS, 'connect_error'].sort());
    expect(document.channels.notifications.address).toBe('/notifications');
  });

  it("validates each message's example against its payload schema, and refuses a payload with a field too many or missing", () => {
    const document = committedAsyncApi();
    const { problems } = messageValidator(document);
    for (const [name, message] of Object.entries(document.components.messages)) {
      const examples = message.examples as Array<{ payload: Record<string, unknown> }>;
      expect(examples.length).toBeGreaterThan(0);
      for (const { payload } of examples) {
        expect({ name, problems: problems(name, payload) }).toEqual({ name, problems: [] });
        expect(problems(name, { ...payload, surprise: 1 })).not.toEqual([]);
        const [first] = Object.keys(payload);
        expect(problems(name, { ...payload, [first]: undefined })).not.toEqual([]);
      }
    }
    expect(
      problems('order_status_update', {
        ...SERVER_EVENTS.order_status_update.example,
        newStatus: 'lost',
      }),
    ).not.toEqual([]);
    expect(problems('order_shipped', {})).toEqual([
      '"order_shipped" is not a message of asyncapi.json',
    ]);
  });

  it('knows every event the demo page and the frontend guide listen to', () => {
    const known = [...EVENTS, ...RESERVED_CLIENT_EVENTS];
    for (const file of ['public/demo/app.js', 'docs/frontend-integration.md']) {
      const listened = listenedEvents(readFileSync(file, 'utf8'));
      expect(listened.length).toBeGreaterThan(0);
      expect({ file, unknown: listened.filter((e) => !known.includes(e)) }).toEqual({
        file,
        unknown: [],
      });
    }
  });

  it('knows every payload field the demo page reads', () => {
    const source = readFileSync('public/demo/app.js', 'utf8');
    // Each handler: from `socket.on('<event>', (<param>) => {` to the next `socket.on(`.
    const handlers = [
      ...source.matchAll(
        /\bsocket\.on\(\s*'([a-z_]+)',\s*\((\w+)\)\s*=>([\s\S]*?)(?=\bsocket\.on\(|$)/g,
      ),
    ];
    const read = handlers
      .filter(([, event]) => (EVENTS as string[]).includes(event))
      .flatMap(([, event, param, body]) =>
        [...body.matchAll(new RegExp(`\\b${param}\\.(\\w+)`, 'g'))].map((m) => ({
          event,
          field: m[1],
        })),
      );
    expect(read.map((r) => r.event)).toEqual(
      expect.arrayContaining(['order_status_update', 'order_created']),
    );
    for (const { event, field } of read) {
      const known = Object.keys(SERVER_EVENTS[event as ServerEventName].payload.properties);
      expect({ event, field, known: known.includes(field) }).toEqual({ event, field, known: true });
    }
  });

  it('is described in the realtime guide: every event with every payload field', () => {
    const guide = readFileSync('docs/api/realtime.md', 'utf8');
    for (const name of EVENTS) {
      const section = guide.split(/^### /m).find((s) => s.startsWith(`\`${name}\``));
      expect({ name, documented: section !== undefined }).toEqual({ name, documented: true });
      for (const field of Object.keys(SERVER_EVENTS[name].payload.properties))
        expect({ name, field, mentioned: section?.includes(`\`${field}\``) }).toEqual({
          name,
          field,
          mentioned: true,
        });
    }
  });
});

describe(`the AsyncAPI document served at ${ASYNCAPI_DOCUMENT_PATH}`, () => {
  let t: TestApp;
  let hidden: TestApp;
  beforeAll(async () => {
    [t, hidden] = await Promise.all([createTestApp(), createTestApp({ DOCS_ENABLED: 'false' })]);
  });
  afterAll(async () => {
    await Promise.all([t.close(), hidden.close()]);
  });

  it('is the committed document, as JSON, beside /docs-json', async () => {
    const res = await t.http.get(ASYNCAPI_DOCUMENT_PATH).expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(committedAsyncApi());
    await t.http.get('/docs-json').expect(200);
  });

  it('is not served when DOCS_ENABLED=false, like /docs-json', async () => {
    expectError(await hidden.http.get(ASYNCAPI_DOCUMENT_PATH), 404, 'NOT_FOUND');
    await hidden.http.get('/docs-json').expect(404);
  });
});
