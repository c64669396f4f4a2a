import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import type { TestApp, TestUser } from '../support/test-app.js';

/** One request as the receiver got it: headers and the raw body, byte for byte. */
export interface Received {
  path: string;
  webhookId: string;
  timestamp: string;
  signature: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** `JSON.parse(body)`. */
  json: { id: string; type: string; version: number; timestamp: string; data: WebhookData };
  at: number;
}

export interface WebhookData {
  order: { id: string; number: string; status: string; total: number; items: unknown[] };
  customer: { id: string; email: string };
  previousStatus?: string;
  changedBy?: string;
}

/** How to answer a request: a status (and maybe a delay or headers), or `hang` (never answer). */
export type Answer =
  { status: number; delayMs?: number; headers?: Record<string, string> } | 'hang';

/**
 * A real HTTP receiver on 127.0.0.1 that records every request, answers as scripted, and
 * processes each `webhook-id` once (its dedupe set), as the guide tells receivers to.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  /** First arrival of each `webhook-id`: what a deduplicating receiver processes. */
  readonly processed = new Map<string, Received>();
  private answer: (request: Received, seen: number) => Answer = () => ({ status: 204 });
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    const receiver = new WebhookReceiver(server);
    server.on('request', (req, res) => receiver.handle(req, res));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Scripts the answers; `seen` counts the requests with this `webhook-id` so far, this one included. */
  respond(answer: (request: Received, seen: number) => Answer): void {
    this.answer = answer;
  }

  /** Requests about one order (other tests' orders may reach a shared endpoint too). */
  forOrder(orderId: string, type?: string): Received[] {
    return this.received.filter(
      (r) => r.json.data?.order?.id === orderId && (type === undefined || r.json.type === type),
    );
  }

  async waitFor(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > deadline)
        throw new Error(
          `${what}: not within ${timeoutMs} ms (got ${this.received.length} requests)`,
        );
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(() => undefined);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: Received['json'];
      try {
        json = JSON.parse(body) as Received['json'];
      } catch {
        json = { id: '', type: '', version: 0, timestamp: '', data: {} as WebhookData };
      }
      const header = (name: string) => String(req.headers[name] ?? '');
      const request: Received = {
        path: req.url ?? '',
        webhookId: header('webhook-id'),
        timestamp: header('webhook-timestamp'),
        signature: header('webhook-signature'),
        headers: req.headers,
        body,
        json,
        at: Date.now(),
      };
      this.received.push(request);
      if (!this.processed.has(request.webhookId)) this.processed.set(request.webhookId, request);
      const seen = this.received.filter((r) => r.webhookId === request.webhookId).length;
      const answer = this.answer(request, seen);
      if (answer === 'hang') {
        this.hanging.add(res);
        return;
      }
      const send = () => {
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers).end(answer.status === 204 ? undefined : 'ok');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  }
}

/** Verifies a received request with the `standardwebhooks` package, as a receiver would. */
export function verifySignature(secret: string, request: Received): unknown {
  return new Webhook(secret).verify(request.body, {
    'webhook-id': request.webhookId,
    'webhook-timestamp': request.timestamp,
    'webhook-signature': request.signature,
  });
}

export interface CreatedEndpoint {
  id: string;
  secret: string;
  url: string;
}

/** `createWebhookEndpoint` as `admin`, answered 201. */
export async function createEndpoint(
  t: TestApp,
  admin: TestUser,
  url: string,
  events: string[] = ['order.created', 'order.status_changed'],
): Promise<CreatedEndpoint> {
  const res = await t.http
    .post('/api/webhooks')
    .set('Authorization', admin.auth)
    .send({ url, events, description: 'test receiver' });
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 201 });
  return res.body as CreatedEndpoint;
}

/** Removes endpoints (afterAll): another test's app must not keep delivering to a closed receiver. */
export async function deleteEndpoints(t: TestApp, ids: string[]): Promise<void> {
  if (ids.length > 0)
    await t.dataSource.query('DELETE FROM webhook_endpoints WHERE id = ANY($1::uuid[])', [ids]);
}

export interface DeliveryView {
  id: string;
  webhookId: string;
  eventId: string;
  eventType: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  attemptLog: Array<{
    attempt: number;
    result: string;
    statusCode: number | null;
    error: string | null;
  }>;
}

/** `listWebhookDeliveries` of an endpoint, as `admin`. */
export async function listDeliveries(
  t: TestApp,
  admin: TestUser,
  endpointId: string,
): Promise<DeliveryView[]> {
  const res = await t.http
    .get(`/api/webhooks/${endpointId}/deliveries`)
    .query({ pageSize: 100 })
    .set('Authorization', admin.auth);
  expect(res.status).toBe(200);
  return (res.body as { items: DeliveryView[] }).items;
}
