import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PaymentTimeoutService } from '@/payments/payment-timeout.service.js';
import { couponBuilders } from '../coupons/coupon-builders.js';
import { ADDRESS, orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { eventually, outboxTypes, type PaidOrderView, sendEvent } from './payment-support.js';
import { StripeStandIn } from './stripe-stand-in.js';

/**
 * Refunds (staff) and the unpaid-order timeout with PAYMENT_PROVIDER=stripe against the Stripe
 * stand-in, on two app instances sharing the database (as two replicas do).
 */
describe('refunds and unpaid orders (Stripe)', () => {
  let t: TestApp;
  let t2: TestApp;
  let b: OrderBuilders;
  const stripe = new StripeStandIn();

  beforeAll(async () => {
    const url = await stripe.start();
    [t, t2] = await Promise.all([createTestApp(stripe.env(url)), createTestApp(stripe.env(url))]);
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await Promise.all([t.close(), t2.close()]);
    await stripe.stop();
  });

  const getOrder = async (orderId: string) =>
    (await b.getOrder(orderId, b.staff)) as unknown as PaidOrderView;
  const refund = (orderId: string, body: object, actor = b.staff) =>
    t.http.post(`/api/orders/${orderId}/refunds`).set('Authorization', actor.auth).send(body);

  /** A placed order (total 1000) paid through the webhook. */
  const paidOrder = async () => {
    const placed = await b.placeOrder();
    const intent = stripe.intentOf(placed.order.id);
    if (!intent) throw new Error('no intent');
    await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent));
    return { ...placed, intent };
  };

  /** Makes the order look placed `minutes` ago (the timeout compares the creation time). */
  const age = (orderId: string, minutes: number) =>
    t.dataSource.query(
      `UPDATE orders SET created_at = now() - make_interval(mins => $2) WHERE id = $1`,
      [orderId, minutes],
    );

  it('refunds part, then the rest through Stripe; paymentStatus follows; refunds are listed on the order', async () => {
    const { order, intent } = await paidOrder();
    const first = await refund(order.id, { amount: 300, reason: 'Damaged box' });
    expectStatus(first, 201);
    expect(first.body).toMatchObject({ amount: 300, status: 'succeeded', reason: 'Damaged box' });
    expect((await getOrder(order.id)).paymentStatus).toBe('partially_refunded');
    const rest = await refund(order.id, {});
    expectStatus(rest, 201);
    expect(rest.body).toMatchObject({ amount: 700, status: 'succeeded' });
    const after = await getOrder(order.id);
    expect(after.paymentStatus).toBe('refunded');
    expect(after.payment.refunds.map((r) => r.amount)).toEqual([300, 700]);
    const sent = stripe
      .requestsFor('POST', /^\/v1\/refunds$/)
      .filter((r) => r.body.payment_intent === intent.id);
    expect(sent.map((r) => r.body.amount)).toEqual(['300', '700']);
    expect(new Set(sent.map((r) => r.idempotencyKey)).size).toBe(2);
    expect((await outboxTypes(t, order.id)).filter((x) => x === 'order.refunded')).toHaveLength(2);
    const more = expectError(await refund(order.id, { amount: 1 }), 422, 'REFUND_EXCEEDS_PAID');
    expect(more.details).toEqual({ requested: 1, refundable: 0 });
  });

  it('never refunds more than was paid under 10 concurrent refunds, on two instances', async () => {
    const { order, intent } = await paidOrder();
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? t2 : t).http
          .post(`/api/orders/${order.id}/refunds`)
          .set('Authorization', b.staff.auth)
          .send({ amount: 300 }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([201, 201, 201, 422, 422, 422, 422, 422, 422, 422]);
    const after = await getOrder(order.id);
    expect(after.payment.amountRefunded).toBe(900);
    expect(after.paymentStatus).toBe('partially_refunded');
    const sent = stripe
      .requestsFor('POST', /^\/v1\/refunds$/)
      .filter((r) => r.body.payment_intent === intent.id);
    expect(sent).toHaveLength(3);
  }, 120_000); // two apps, ten refunds each taking the order and payment locks: the no-env pass (embedded PostgreSQL) on a shared 2-core machine needed more than 30 s

  it('refuses refunds of unpaid orders (409), past what is left (422), bad amounts (400) and from customers (403)', async () => {
    const { order, customer } = await b.placeOrder();
    expectError(await refund(order.id, {}), 409, 'ORDER_NOT_PAID');
    expectError(await refund(order.id, {}, customer), 403, 'FORBIDDEN');
    const paid = await paidOrder();
    expectError(await refund(paid.order.id, { amount: 0 }), 400, 'VALIDATION_FAILED');
    expectError(await refund(paid.order.id, { amount: 1.5 }), 400, 'VALIDATION_FAILED');
    const over = expectError(
      await refund(paid.order.id, { amount: 1001 }),
      422,
      'REFUND_EXCEEDS_PAID',
    );
    expect(over.details).toEqual({ requested: 1001, refundable: 1000 });
    expect((await getOrder(paid.order.id)).paymentStatus).toBe('paid');
  });

  it('releases a refund Stripe refuses (502 PAYMENT_PROVIDER_ERROR): the amount can be refunded again', async () => {
    const { order } = await paidOrder();
    stripe.refuseNext = 1;
    expectError(await refund(order.id, { amount: 400 }), 502, 'PAYMENT_PROVIDER_ERROR');
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ paymentStatus: 'paid' });
    expect(after.payment.amountRefunded).toBe(0);
    expect(after.payment.refunds).toEqual([
      expect.objectContaining({ amount: 400, status: 'failed' }),
    ]);
    expectStatus(await refund(order.id, {}), 201);
    expect((await getOrder(order.id)).payment.amountRefunded).toBe(1000);
  });

  it('keeps a refund pending while Stripe cannot be reached, and the sweep makes it once', async () => {
    const { order, intent } = await paidOrder();
    stripe.failNext = 1; // a 500 marked "do not retry": an outage, the outcome unknown
    const pending = await refund(order.id, { amount: 100 });
    expectStatus(pending, 201);
    expect(pending.body).toMatchObject({ status: 'pending' });
    expect((await getOrder(order.id)).payment.amountRefunded).toBe(100);
    await t.dataSource.query(
      `UPDATE refunds SET created_at = now() - interval '2 minutes' WHERE order_id = $1`,
      [order.id],
    );
    await Promise.all([
      t.app.get(PaymentTimeoutService).sweep(),
      t2.app.get(PaymentTimeoutService).sweep(),
    ]);
    const after = await getOrder(order.id);
    expect(after.payment.refunds).toEqual([
      expect.objectContaining({ amount: 100, status: 'succeeded' }),
    ]);
    // Every attempt carried the same idempotency key: Stripe made one refund.
    const sent = stripe
      .requestsFor('POST', /^\/v1\/refunds$/)
      .filter((r) => r.body.payment_intent === intent.id);
    expect(new Set(sent.map((r) => r.idempotencyKey)).size).toBe(1);
    expect((await outboxTypes(t, order.id)).filter((x) => x === 'order.refunded')).toHaveLength(1);
  });

  it('cancels an order unpaid after PAYMENT_TIMEOUT exactly once across two instances: intent cancelled, stock back', async () => {
    const { order, product } = await b.placeOrder({ quantity: 3 });
    expect(await b.stockOf(product.id)).toBe(7);
    const intent = stripe.intentOf(order.id);
    await age(order.id, 31);
    const cancelled = await Promise.all([
      t.app.get(PaymentTimeoutService).cancelExpired(),
      t2.app.get(PaymentTimeoutService).cancelExpired(),
      t.app.get(PaymentTimeoutService).cancelExpired(),
    ]);
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
    expect(after.history.filter((h) => h.to === 'cancelled')).toEqual([
      expect.objectContaining({ by: null, note: 'Not paid in time: cancelled automatically' }),
    ]);
    // At most one call cancelled it (the app's own cron may have been first).
    expect(cancelled.reduce((sum, n) => sum + n, 0)).toBeLessThanOrEqual(1);
    expect(await b.stockOf(product.id)).toBe(10);
    await eventually(() => stripe.intentOf(order.id)?.status === 'canceled');
    expect(stripe.requestsFor('POST', /\/cancel$/, order.id)).toHaveLength(1);
    expect(intent?.status).toBe('canceled');
  });

  it('gives the coupon use of an order cancelled for want of payment back: its one use is free again', async () => {
    const c = couponBuilders(t, b);
    const coupon = await c.coupon({ usageLimit: 1 });
    const checkoutWithCoupon = async () => {
      const customer = await b.customer();
      await b.addToCart(customer, (await b.product()).id, 1);
      return b.checkout(customer, { shippingAddress: ADDRESS, couponCode: coupon.code });
    };
    const placed = await checkoutWithCoupon();
    expectStatus(placed, 201);
    const orderId = (placed.body as { id: string }).id;
    expect(await c.heldUses(coupon.id)).toBe(1);
    expectError(await checkoutWithCoupon(), 422, 'COUPON_USAGE_LIMIT_REACHED');

    await age(orderId, 31);
    await t.app.get(PaymentTimeoutService).cancelExpired();

    expect(await getOrder(orderId)).toMatchObject({ status: 'cancelled' });
    expect(await c.heldUses(coupon.id)).toBe(0);
    expectStatus(await checkoutWithCoupon(), 201);
  });

  it('leaves younger online orders alone, and manual orders without MANUAL_PAYMENT_TIMEOUT', async () => {
    const { order } = await b.placeOrder();
    await age(order.id, 29);
    await t.app.get(PaymentTimeoutService).cancelExpired();
    expect((await getOrder(order.id)).status).toBe('pending');
    const manual = await b.placeOrder();
    await t.dataSource.query(
      `UPDATE orders SET payment_provider = 'manual', created_at = now() - interval '90 minutes' WHERE id = $1`,
      [manual.order.id],
    );
    await t.app.get(PaymentTimeoutService).cancelExpired();
    expect((await getOrder(manual.order.id)).status).toBe('pending');
  });

  it('refunds a payment that succeeds after the timeout cancelled the order, and says why', async () => {
    const { order } = await b.placeOrder();
    const intent = stripe.intentOf(order.id);
    if (!intent) throw new Error('no intent');
    await age(order.id, 45);
    await t.app.get(PaymentTimeoutService).cancelExpired();
    expect((await getOrder(order.id)).status).toBe('cancelled');
    await sendEvent(t, stripe, 'payment_intent.succeeded', stripe.succeeded(intent));
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'cancelled', paymentStatus: 'refunded' });
    expect(after.payment.refunds).toEqual([
      expect.objectContaining({ amount: order.total, status: 'succeeded' }),
    ]);
    expect(after.history.at(-1)).toMatchObject({
      from: 'cancelled',
      to: 'cancelled',
      note: 'Payment received after the order was cancelled: refunded automatically',
    });
    const sent = stripe
      .requestsFor('POST', /^\/v1\/refunds$/)
      .filter((r) => r.body.payment_intent === intent.id);
    expect(sent.map((r) => r.body.amount)).toEqual([String(order.total)]);
  });

  it('does not refund a late payment twice when Stripe reports it refunded already', async () => {
    const { order } = await b.placeOrder();
    const intent = stripe.intentOf(order.id);
    if (!intent) throw new Error('no intent');
    await age(order.id, 45);
    await t.app.get(PaymentTimeoutService).cancelExpired();
    stripe.succeeded(intent);
    await sendEvent(t, stripe, 'charge.refunded', stripe.charge(intent, order.total));
    await sendEvent(t, stripe, 'payment_intent.succeeded', { ...intent });
    const after = await getOrder(order.id);
    expect(after).toMatchObject({ status: 'cancelled', paymentStatus: 'refunded' });
    expect(after.payment.refunds).toEqual([
      expect.objectContaining({ amount: order.total, status: 'succeeded' }),
    ]);
    const sent = stripe
      .requestsFor('POST', /^\/v1\/refunds$/)
      .filter((r) => r.body.payment_intent === intent.id);
    expect(sent).toEqual([]);
  });
});
