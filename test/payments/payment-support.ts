import type { Response } from 'supertest';
import type { OrderView } from '../orders/order-builders.js';
import type { TestApp } from '../support/test-app.js';
import type { StripeStandIn } from './stripe-stand-in.js';

/** The `payment` object of an order answer. */
export interface PaymentView {
  provider: string;
  status: 'pending' | 'succeeded' | 'failed' | 'canceled';
  clientSecret?: string;
  amount: number;
  amountRefunded: number;
  refunds: Array<{ id: string; amount: number; status: string; reason: string | null }>;
}

export type PaidOrderView = Omit<OrderView, 'paymentStatus'> & {
  paymentStatus: string;
  payment: PaymentView;
};

/** Posts a signed (or deliberately badly signed) Stripe delivery to the webhook. */
export function deliver(
  t: TestApp,
  delivery: { body: string; signature?: string },
): Promise<Response> {
  const req = t.http.post('/api/payments/stripe/webhook').set('Content-Type', 'application/json');
  if (delivery.signature !== undefined) void req.set('Stripe-Signature', delivery.signature);
  return req.send(delivery.body);
}

/** Signs and delivers one event; asserts a 200 and returns the webhook's result. */
export async function sendEvent(
  t: TestApp,
  stripe: StripeStandIn,
  type: string,
  object: object,
  eventId?: string,
): Promise<string> {
  const res = await deliver(t, stripe.event(type, object, { eventId }));
  if (res.status !== 200)
    throw new Error(`webhook answered ${res.status}: ${JSON.stringify(res.body)}`);
  return (res.body as { result: string }).result;
}

/** Outbox events of one order, by type. */
export async function outboxTypes(t: TestApp, orderId: string): Promise<string[]> {
  const rows = await t.dataSource.query<Array<{ type: string }>>(
    `SELECT type FROM outbox_events WHERE aggregate_id = $1 ORDER BY created_at, id`,
    [orderId],
  );
  return rows.map((r) => r.type);
}

/** Waits until `check` holds (after-commit work), at most `ms`. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms = 5000,
): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The intent a browser pays with `clientSecret` (Stripe.js only ever sees the secret); throws
 * when the stand-in made none with it.
 */
export function intentWithSecret(
  stripe: StripeStandIn,
  clientSecret: string,
): ReturnType<StripeStandIn['intentOf']> & object {
  const intent = [...stripe.intents.values()].find((i) => i.client_secret === clientSecret);
  if (!intent) throw new Error('no PaymentIntent has that client secret');
  return intent;
}
