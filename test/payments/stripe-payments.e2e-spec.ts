import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { deliver, outboxTypes, type PaidOrderView, sendEvent } from './payment-support.js';
import { StripeStandIn } from './stripe-stand-in.js';

/**
 * Checkout and Stripe's webhooks with PAYMENT_PROVIDER=stripe: the real SDK against the Stripe
 * stand-in (test/payments/stripe-stand-in.ts), events signed with the SDK's test-header helper.
 */
describe('Stripe payments', () => {
  let t: TestApp;
  let b: OrderBuilders;
  const stripe = new StripeStandIn();

  beforeAll(async () => {
    const url = await stripe.start();
    t = await createTestApp(stripe.env(url));
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
    await stripe.stop();
  });

  const placeOrder = async (quantity = 1) => {
    const placed = await b.placeOrder({ quantity, product: { price: 1234 } });
    return { ...placed, order: placed.order as unknown as PaidOrderView };
  };
  const getOrder = async (orderId: string, actor = b.staff) =>
    (await b.getOrder(orderId, actor)) as unknown as PaidOrderView;
  const intentOf = (orderId: string) => {
    const intent = stripe.intentOf(orderId);
    if (!intent) throw new Error(`no intent for order ${orderId}`);
    return intent;
  };

  it("creates one PaymentIntent for the order's total and currency, with the order id and an order-derived idempotency key", async () => {
    const { order, customer } = await placeOrder(2);
    const creates = stripe.requestsFor('POST', /^\/v1\/payment_intents$/, order.id);
    expect(creates).toHaveLength(1);
    expect(creates[0]?.body).toMatchObject({
      amount: String(order.total),
      currency: order.currency.toLowerCase(),
      'metadata[orderId]': order.id,
    });
    expect(order.total).toBe(2468);
    expect(creates[0]?.idempotencyKey).toBe(`order-${order.id}-payment`);
    const intent = intentOf(order.id);
    expect(order.payment).toMatchObject({
      provider: 'stripe',
      status: 'pending',
      clientSecret: intent.client_secret,
      amount: order.total,
    });
    expect(order.paymentStatus).toBe('pending');
    // The owner reads the same client secret again; staff never see it.
    expect((await getOrder(order.id, customer)).payment).toEqual(order.payment);
    expect((await getOrder(order.id)).payment.clientSecret).toBeUndefined();
  });

  it('answers a replayed checkout with the same payment and never creates a second intent', async () => {
    const customer = await b.customer();
    const product = await b.product();
    await b.addToCart(customer, product.id, 1);
    const key = randomUUID();
    const [first, second] = await Promise.all([
      b.checkout(customer, undefined, key),
      b.checkout(customer, undefined, key),
    ]);
    expectStatus(first, 201);
    expectStatus(second, 201);
    const order = first.body as PaidOrderView;
    expect((second.body as PaidOrderView).id).toBe(order.id);
    const third = await b.checkout(customer, undefined, key);
    expect((third.body as PaidOrderView).payment.clientSecret).toBe(order.payment.clientSecret);
    // A new key for the same (now empty) cart makes no order, so no payment either.
    expectError(await b.checkout(customer, undefined, randomUUID()), 400, 'EMPTY_CART');
    const intents = [...stripe.intents.values()].filter((i) => i.metadata.orderId === order.id);
    expect(intents).toHaveLength(1);
    expect(intents[0]?.client_secret).toBe(order.payment.clientSecret);
  });

  it('keeps the order when Stripe is down at checkout; the next read creates its one payment', async () => {
    stripe.failNext = 1;
    const { order, customer } = await placeOrder();
    expect(order.status).toBe('pending');
    expect(order.payment.clientSecret).toBeUndefined();
    expect(stripe.intentOf(order.id)).toBeUndefined();
    const read = await getOrder(order.id, customer);
    expect(read.payment.clientSecret).toBe(intentOf(order.id).client_secret);
    expect(stripe.requestsFor('POST', /^\/v1\/payment_intents$/, order.id)).toHaveLength(2);
    expect(
      [...stripe.intents.values()].filter((i) => i.metadata.orderId === order.id),
    ).toHaveLength(1);
  });

  it('marks the order paid and confirms it on payment_intent.succeeded: history, notification, order.paid', async () => {
    const { order, customer } = await placeOrder();
    const intent = intentOf(order.id);
    expect(await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent))).toBe(
      'applied',
    );
    const paid = await getOrder(order.id, customer);
    expect(paid).toMatchObject({ status: 'confirmed', paymentStatus: 'paid' });
    expect(paid.payment).toMatchObject({ status: 'succeeded' });
    expect(paid.payment.clientSecret).toBeUndefined();
    expect(paid.history.at(-1)).toMatchObject({
      from: 'pending',
      to: 'confirmed',
      by: null,
      note: 'Payment received',
    });
    const notes = await t.dataSource.query<Array<{ data: { orderId: string; status?: string } }>>(
      `SELECT data FROM notifications WHERE user_id = $1`,
      [customer.id],
    );
    expect(notes.filter((n) => n.data.orderId === order.id).length).toBeGreaterThanOrEqual(2);
    const types = await outboxTypes(t, order.id);
    expect(types.filter((type) => type === 'order.paid')).toHaveLength(1);
    expect(types).toContain('order.status_changed');
  });

  it('applies an event id once however often it is delivered, and a second success changes nothing', async () => {
    const { order } = await placeOrder();
    const intent = intentOf(order.id);
    const delivery = stripe.event('payment_intent.succeeded', stripe.succeeded(intent));
    const answers = await Promise.all([1, 2, 3].map(() => deliver(t, delivery)));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => (a.body as { result: string }).result).sort()).toEqual([
      'applied',
      'duplicate',
      'duplicate',
    ]);
    expect(await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent))).toBe(
      'applied',
    );
    const after = await getOrder(order.id);
    expect(after.history.filter((h) => h.to === 'confirmed')).toHaveLength(1);
    expect((await outboxTypes(t, order.id)).filter((type) => type === 'order.paid')).toHaveLength(
      1,
    );
  });

  it('records a failed payment (the order stays pending and payable with the same client secret), then its success', async () => {
    const { order, customer } = await placeOrder();
    const intent = intentOf(order.id);
    await sendEvent(t, stripe, 'payment_intent.payment_failed', stripe.failed(intent));
    const failed = await getOrder(order.id, customer);
    expect(failed).toMatchObject({ status: 'pending', paymentStatus: 'failed' });
    expect(failed.payment).toMatchObject({ status: 'failed', clientSecret: intent.client_secret });
    await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent));
    expect(await getOrder(order.id)).toMatchObject({ status: 'confirmed', paymentStatus: 'paid' });
    // A late failure of an intent already paid is ignored.
    await sendEvent(t, stripe, 'payment_intent.payment_failed', stripe.failed(intent));
    expect(await getOrder(order.id)).toMatchObject({ status: 'confirmed', paymentStatus: 'paid' });
  });

  it('records a refund made in Stripe (charge.refunded) once, with order.refunded', async () => {
    const { order } = await placeOrder();
    const intent = intentOf(order.id);
    await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent));
    const partial = stripe.event('charge.refunded', stripe.charge(intent, 234));
    await deliver(t, partial);
    await deliver(t, partial);
    const part = await getOrder(order.id);
    expect(part.paymentStatus).toBe('partially_refunded');
    expect(part.payment.refunds).toEqual([
      expect.objectContaining({ amount: 234, status: 'succeeded' }),
    ]);
    await sendEvent(t, stripe, 'charge.refunded', stripe.charge(intent, order.total));
    // An older total arriving late changes nothing.
    await sendEvent(t, stripe, 'charge.refunded', stripe.charge(intent, 234));
    const full = await getOrder(order.id);
    expect(full.paymentStatus).toBe('refunded');
    expect(full.payment.amountRefunded).toBe(order.total);
    expect(full.payment.refunds.map((r) => r.amount)).toEqual([234, order.total - 234]);
    expect(
      (await outboxTypes(t, order.id)).filter((type) => type === 'order.refunded'),
    ).toHaveLength(2);
  });

  it('gives the same outcome when the refund arrives before the success', async () => {
    const { order } = await placeOrder();
    const intent = intentOf(order.id);
    stripe.succeeded(intent);
    await sendEvent(t, stripe, 'charge.refunded', stripe.charge(intent, order.total));
    await sendEvent(t, stripe, 'payment_intent.succeeded', { ...intent });
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'confirmed', paymentStatus: 'refunded' });
    expect(after.history.filter((h) => h.to === 'confirmed')).toHaveLength(1);
    expect(after.payment.refunds).toHaveLength(1);
  });

  it('refuses a missing, wrong or stale signature with 400 INVALID_SIGNATURE and changes nothing', async () => {
    const { order } = await placeOrder();
    const intent = { ...intentOf(order.id), status: 'succeeded', amount_received: order.total };
    const good = stripe.event('payment_intent.succeeded', intent);
    expectError(await deliver(t, { body: good.body }), 400, 'INVALID_SIGNATURE');
    const forged = stripe.event('payment_intent.succeeded', intent, { secret: 'whsec_forged' });
    expectError(await deliver(t, forged), 400, 'INVALID_SIGNATURE');
    const tampered = {
      body: good.body.replace(`"${order.id}"`, `"${randomUUID()}"`),
      signature: good.signature,
    };
    expectError(await deliver(t, tampered), 400, 'INVALID_SIGNATURE');
    const stale = stripe.event('payment_intent.succeeded', intent, {
      at: Math.floor(Date.now() / 1000) - 600,
    });
    expectError(await deliver(t, stale), 400, 'INVALID_SIGNATURE');
    expect(await getOrder(order.id)).toMatchObject({ status: 'pending', paymentStatus: 'pending' });
  });

  it('answers 200 to event types it does not act on, and to payments that are not its own', async () => {
    expect(
      await sendEvent(t, stripe, 'customer.created', { id: 'cus_1', object: 'customer' }),
    ).toBe('ignored');
    const stranger = { ...stripe.succeeded({ ...intentOf((await placeOrder()).order.id) }) };
    expect(
      await sendEvent(t, stripe, 'payment_intent.succeeded', {
        ...stranger,
        id: 'pi_not_ours',
        metadata: {},
      }),
    ).toBe('unknown_payment');
  });
});
