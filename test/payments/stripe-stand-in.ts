import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A stand-in for the Stripe API, for tests only: the app's real `stripe` SDK is pointed at it
 * with STRIPE_API_URL (tests have no network). It answers the few endpoints the shop calls as
 * Stripe does (form-encoded requests, PaymentIntent and Refund objects, idempotency keys that
 * replay the first answer), records every request, and fails on demand. Webhook events are
 * signed with the SDK's own test-header helper, as Stripe signs them.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, string>;
  idempotencyKey: string | undefined;
}

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  metadata: Record<string, string>;
  last_payment_error: { message: string } | null;
}

const id = (prefix: string): string => `${prefix}_${randomBytes(12).toString('hex')}`;

export class StripeStandIn {
  readonly requests: RecordedRequest[] = [];
  readonly intents = new Map<string, Intent>();
  /** Answers 500 (not to be retried) to the next `n` requests while > 0: an outage. */
  failNext = 0;
  /** Answers 400 `invalid_request_error` to the next `n` requests: a refusal. */
  refuseNext = 0;
  private readonly replies = new Map<string, { status: number; body: unknown }>();
  private server?: Server;
  readonly webhookSecret = `whsec_${randomBytes(16).toString('hex')}`;
  private readonly sdk = new Stripe('sk_test_stand_in');

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** The app's settings to use this stand-in. */
  env(url: string): Record<string, string> {
    return {
      PAYMENT_PROVIDER: 'stripe',
      STRIPE_SECRET_KEY: 'sk_test_stand_in',
      STRIPE_WEBHOOK_SECRET: this.webhookSecret,
      STRIPE_API_URL: url,
    };
  }

  /** Requests of one kind (`POST /v1/payment_intents`) about one order (metadata or intent). */
  requestsFor(method: string, path: RegExp, orderId?: string): RecordedRequest[] {
    return this.requests.filter((r) => {
      if (r.method !== method || !path.test(r.path)) return false;
      if (!orderId) return true;
      if (r.body['metadata[orderId]'] === orderId) return true;
      const intent = this.intentOfPath(r.path) ?? this.intents.get(r.body.payment_intent ?? '');
      return intent?.metadata.orderId === orderId;
    });
  }

  intentOf(orderId: string): Intent | undefined {
    return [...this.intents.values()].find((i) => i.metadata.orderId === orderId);
  }

  /** A signed webhook delivery: the body and its `Stripe-Signature` (timestamp `at`, seconds). */
  event(
    type: string,
    object: object,
    options: { eventId?: string; at?: number; secret?: string } = {},
  ): { body: string; signature: string; eventId: string } {
    const eventId = options.eventId ?? id('evt');
    const body = JSON.stringify({
      id: eventId,
      object: 'event',
      api_version: '2026-02-25',
      created: Math.floor(Date.now() / 1000),
      type,
      data: { object },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
    });
    const signature = this.sdk.webhooks.generateTestHeaderString({
      payload: body,
      secret: options.secret ?? this.webhookSecret,
      timestamp: options.at,
    });
    return { body, signature, eventId };
  }

  /** The intent as Stripe sends it in `payment_intent.succeeded` (paid in full). */
  succeeded(intent: Intent): Intent {
    intent.status = 'succeeded';
    intent.amount_received = intent.amount;
    return { ...intent };
  }

  failed(intent: Intent, message = 'Your card was declined.'): Intent {
    intent.status = 'requires_payment_method';
    intent.last_payment_error = { message };
    return { ...intent };
  }

  /** A charge of the intent with `amountRefunded` refunded, as in `charge.refunded`. */
  charge(intent: Intent, amountRefunded: number): object {
    return {
      id: id('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: amountRefunded,
      currency: intent.currency,
      payment_intent: intent.id,
      metadata: {},
      refunded: amountRefunded >= intent.amount,
      status: 'succeeded',
    };
  }

  private intentOfPath(path: string): Intent | undefined {
    const match = /^\/v1\/payment_intents\/([^/]+)/.exec(path);
    return match?.[1] ? this.intents.get(match[1]) : undefined;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const body = Object.fromEntries(new URLSearchParams(text));
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    const path = (req.url ?? '').split('?')[0] ?? '';
    const method = req.method ?? 'GET';
    this.requests.push({ method, path, body, idempotencyKey });
    const send = (status: number, payload: unknown): void => {
      // Failures say "do not retry": the SDK would otherwise back off and try again.
      res.writeHead(status, {
        'content-type': 'application/json',
        'stripe-should-retry': 'false',
        'request-id': id('req'),
      });
      res.end(JSON.stringify(payload));
    };
    if (this.failNext > 0) {
      this.failNext -= 1;
      return send(500, { error: { type: 'api_error', message: 'stand-in failing on demand' } });
    }
    if (this.refuseNext > 0) {
      this.refuseNext -= 1;
      return send(400, {
        error: { type: 'invalid_request_error', message: 'stand-in refusing on demand' },
      });
    }
    const replayKey = idempotencyKey ? `${method} ${path} ${idempotencyKey}` : undefined;
    const replay = replayKey ? this.replies.get(replayKey) : undefined;
    if (replay) return send(replay.status, replay.body);
    const reply = this.answer(method, path, body);
    if (replayKey) this.replies.set(replayKey, reply);
    send(reply.status, reply.body);
  }

  private answer(
    method: string,
    path: string,
    body: Record<string, string>,
  ): { status: number; body: unknown } {
    const notFound = {
      status: 404,
      body: { error: { type: 'invalid_request_error', message: `No such object: ${path}` } },
    };
    if (method === 'POST' && path === '/v1/payment_intents') {
      const intentId = id('pi');
      const metadata = Object.fromEntries(
        Object.entries(body)
          .filter(([k]) => k.startsWith('metadata['))
          .map(([k, v]) => [k.slice(9, -1), v]),
      );
      const intent: Intent = {
        id: intentId,
        object: 'payment_intent',
        amount: Number(body.amount),
        amount_received: 0,
        currency: body.currency ?? '',
        status: 'requires_payment_method',
        client_secret: `${intentId}_secret_${randomBytes(8).toString('hex')}`,
        metadata,
        last_payment_error: null,
      };
      this.intents.set(intentId, intent);
      return { status: 200, body: intent };
    }
    const intent = this.intentOfPath(path);
    if (path.startsWith('/v1/payment_intents/')) {
      if (!intent) return notFound;
      if (method === 'POST' && path.endsWith('/cancel')) intent.status = 'canceled';
      return { status: 200, body: intent };
    }
    if (method === 'POST' && path === '/v1/refunds') {
      const paid = this.intents.get(body.payment_intent ?? '');
      if (!paid) return notFound;
      return {
        status: 200,
        body: {
          id: id('re'),
          object: 'refund',
          amount: Number(body.amount),
          currency: paid.currency,
          payment_intent: paid.id,
          status: 'succeeded',
          metadata: { refundId: body['metadata[refundId]'] },
        },
      };
    }
    return notFound;
  }
}
