import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  runStripeFlow,
  type StripeBuyer,
  type StripeFlowResult,
} from '../../examples/spa-client/stripe-flow.js';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { createTestApp, type TestApp, uniqueEmail } from '../support/test-app.js';
import { intentWithSecret, sendEvent } from './payment-support.js';
import { StripeStandIn } from './stripe-stand-in.js';

/**
 * The generated-client example of a card purchase (examples/spa-client/stripe-flow.ts, type-
 * checked by generated-client.e2e-spec) against an app with PAYMENT_PROVIDER=stripe, its real SDK
 * pointed at the Stripe stand-in (test/payments/stripe-stand-in.ts). The flow's `pay` callback
 * plays Stripe: what Stripe.js's confirmPayment would start ends, here as there, with Stripe's
 * signed `payment_intent.succeeded` reaching the webhook.
 */
describe('a generated client paying by card (Stripe)', () => {
  let t: TestApp;
  let b: OrderBuilders;
  const stripe = new StripeStandIn();

  beforeAll(async () => {
    const url = await stripe.start();
    // Guest checkouts are limited per IP in Redis, which other runs share: not this suite's subject.
    t = await createTestApp({ ...stripe.env(url), GUEST_CHECKOUT_RATE_LIMIT: '0' });
    b = await orderBuilders(t);
  }, 120_000); // the no-env pass (embedded PostgreSQL, shared 2-core machine) once needed more than 30 s to start the app
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  /** Stripe's part once the browser confirmed: the intent succeeds and Stripe says so. */
  const payAsStripe =
    (paidWith: string[]) =>
    async (clientSecret: string): Promise<void> => {
      paidWith.push(clientSecret);
      const intent = intentWithSecret(stripe, clientSecret);
      expect(await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent))).toBe(
        'applied',
      );
    };

  const expectPaidOnce = (result: StripeFlowResult, paidWith: string[]) => {
    const { order, retried, paid } = result;
    expect(order.payment).toMatchObject({ provider: 'stripe', status: 'pending' });
    expect(order.total).toBe(2 * 1999);
    // One intent for the order, for its total and currency, despite the retried checkout.
    const intents = [...stripe.intents.values()].filter((i) => i.metadata.orderId === order.id);
    expect(intents).toHaveLength(1);
    const [intent] = intents;
    expect(intent).toMatchObject({
      amount: order.total,
      currency: order.currency.toLowerCase(),
      client_secret: order.payment.clientSecret,
    });
    const creates = stripe.requestsFor('POST', /^\/v1\/payment_intents$/, order.id);
    expect(creates.length).toBeGreaterThanOrEqual(1);
    expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(
      new Set([`order-${order.id}-payment`]),
    );
    expect(retried.id).toBe(order.id);
    expect(retried.payment.clientSecret).toBe(order.payment.clientSecret);
    expect(paidWith).toEqual([order.payment.clientSecret]);
    // Paid and confirmed by the server; the client secret is no longer handed out.
    expect(paid).toMatchObject({ id: order.id, status: 'confirmed', paymentStatus: 'paid' });
    expect(paid.payment).toMatchObject({ status: 'succeeded', amount: order.total });
    expect(paid.payment.clientSecret).toBeUndefined();
    expect(paid.history.at(-1)).toMatchObject({ from: 'pending', to: 'confirmed' });
  };

  const run = async (buyer: StripeBuyer, paidWith: string[]) => {
    const product = await b.product({ price: 1999 });
    return runStripeFlow({
      baseUrl: t.baseUrl,
      buyer,
      productSlug: product.slug,
      quantity: 2,
      pay: payAsStripe(paidWith),
      timeoutMs: 10_000,
    });
  };

  it('signed in: checkout, retry with the same key, pay, then paid and confirmed (pushed live)', async () => {
    const customer = await b.customer();
    const paidWith: string[] = [];
    const result = await run(
      { kind: 'customer', email: customer.email, password: customer.password },
      paidWith,
    );
    expectPaidOnce(result, paidWith);
    expect(result.paid.userId).toBe(customer.id);
    expect(result.pushed).toMatchObject({
      orderId: result.order.id,
      oldStatus: 'pending',
      newStatus: 'confirmed',
    });
  });

  it('as a guest: checkoutGuestCart by cart token, the order followed by order token, paid and confirmed', async () => {
    const email = uniqueEmail('stripe-guest');
    const paidWith: string[] = [];
    const result = await run({ kind: 'guest', email }, paidWith);
    expectPaidOnce(result, paidWith);
    expect(result.paid).toMatchObject({ userId: null, guestEmail: email });
    expect(result.pushed).toMatchObject({ orderId: result.order.id, newStatus: 'confirmed' });
  });

  it.each(['customer', 'guest'] as const)(
    "when Stripe was down at checkout, the %s's read of the order creates its one payment and the flow pays it",
    async (kind) => {
      const customer = await b.customer();
      const product = await b.product({ price: 1999 });
      const paidWith: string[] = [];
      stripe.failNext = 1; // the checkout's PaymentIntent creation
      const result = await runStripeFlow({
        baseUrl: t.baseUrl,
        buyer:
          kind === 'customer'
            ? { kind, email: customer.email, password: customer.password }
            : { kind, email: uniqueEmail('stripe-guest') },
        productSlug: product.slug,
        pay: payAsStripe(paidWith),
        timeoutMs: 10_000,
      });
      // Checkout answered the order without a client secret; getOrder (with the order token,
      // for the guest) asked Stripe again with the order's key and answered it.
      expect(result.order.payment.clientSecret).toBeUndefined();
      const intents = [...stripe.intents.values()].filter(
        (i) => i.metadata.orderId === result.order.id,
      );
      expect(intents).toHaveLength(1);
      // Asked twice (the failed try, then the read), with the same key: had Stripe made the
      // intent before failing, the second ask would have answered it, not made another.
      const creates = stripe.requestsFor('POST', /^\/v1\/payment_intents$/, result.order.id);
      expect(creates.length).toBeGreaterThanOrEqual(2);
      expect(new Set(creates.map((r) => r.idempotencyKey))).toEqual(
        new Set([`order-${result.order.id}-payment`]),
      );
      expect(paidWith).toEqual([intents[0]?.client_secret]);
      expect(result.retried.payment.clientSecret).toBe(intents[0]?.client_secret);
      expect(result.paid).toMatchObject({ status: 'confirmed', paymentStatus: 'paid' });
    },
  );

  it('gives up after its time limit when the card is declined, saying so', async () => {
    const customer = await b.customer();
    const product = await b.product({ price: 1999 });
    const started = Date.now();
    await expect(
      runStripeFlow({
        baseUrl: t.baseUrl,
        buyer: { kind: 'customer', email: customer.email, password: customer.password },
        productSlug: product.slug,
        pay: async (clientSecret) => {
          const intent = intentWithSecret(stripe, clientSecret);
          await sendEvent(t, stripe, 'payment_intent.payment_failed', stripe.failed(intent));
        },
        timeoutMs: 1_500,
        pollIntervalMs: 200,
      }),
    ).rejects.toThrow(/not paid in time: payment failed, order pending \(declined/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
