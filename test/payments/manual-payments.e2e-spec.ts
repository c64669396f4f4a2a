import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PaymentTimeoutService } from '@/payments/payment-timeout.service.js';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { deliver, outboxTypes, type PaidOrderView } from './payment-support.js';

/** The default manual provider: staff record payments by moving orders, and refunds by hand. */
describe('manual payments', () => {
  let t: TestApp;
  let b: OrderBuilders;

  beforeAll(async () => {
    // No workers, so no cron sweep: other suites on this database backdate manual orders, and
    // this app's timeout must touch only the orders its test hands to cancelExpired's query.
    t = await createTestApp({ MANUAL_PAYMENT_TIMEOUT: '2h', JOBS_WORKERS: 'false' });
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const getOrder = async (orderId: string) =>
    (await b.getOrder(orderId, b.staff)) as unknown as PaidOrderView;
  const refund = (orderId: string, body: object) =>
    t.http.post(`/api/orders/${orderId}/refunds`).set('Authorization', b.staff.auth).send(body);

  it('answers a manual payment without a client secret; confirming the order pays it (order.paid)', async () => {
    const { order, customer } = await b.placeOrder();
    const placed = order as unknown as PaidOrderView;
    expect(placed.payment).toEqual({
      provider: 'manual',
      status: 'pending',
      amount: placed.total,
      amountRefunded: 0,
      refunds: [],
    });
    const read = (await b.getOrder(order.id, customer)) as unknown as PaidOrderView;
    expect(read.payment.clientSecret).toBeUndefined();
    // Checkout builds its answer's payment from the row it inserted, without reading it back.
    expect(read.payment).toEqual(placed.payment);
    expectStatus(await b.move(order.id, { status: 'confirmed' }), 200);
    const paid = await getOrder(order.id);
    expect(paid).toMatchObject({ paymentStatus: 'paid', payment: { status: 'succeeded' } });
    expect((await outboxTypes(t, order.id)).filter((x) => x === 'order.paid')).toHaveLength(1);
  });

  it('records refunds staff made by hand, partial then full, never past the total', async () => {
    const { order } = await b.orderIn('confirmed');
    expectStatus(await refund(order.id, { amount: 250, reason: 'Goodwill' }), 201);
    expect((await getOrder(order.id)).paymentStatus).toBe('partially_refunded');
    // Moving on keeps the refund recorded.
    expectStatus(await b.move(order.id, { status: 'processing' }), 200);
    expect((await getOrder(order.id)).paymentStatus).toBe('partially_refunded');
    expectError(await refund(order.id, { amount: 751 }), 422, 'REFUND_EXCEEDS_PAID');
    const rest = await refund(order.id, {});
    expectStatus(rest, 201);
    expect(rest.body).toMatchObject({ amount: 750, status: 'succeeded' });
    const after = await getOrder(order.id);
    expect(after.paymentStatus).toBe('refunded');
    expect(after.payment.refunds.map((r) => r.amount)).toEqual([250, 750]);
    expect((await outboxTypes(t, order.id)).filter((x) => x === 'order.refunded')).toHaveLength(2);
  });

  it('cancels manual orders unpaid after MANUAL_PAYMENT_TIMEOUT, with their stock back', async () => {
    const { order, product } = await b.placeOrder({ quantity: 2 });
    const young = await b.placeOrder();
    await t.dataSource.query(
      `UPDATE orders SET created_at = now() - interval '3 hours' WHERE id = $1`,
      [order.id],
    );
    await t.app.get(PaymentTimeoutService).cancelExpired();
    expect(await getOrder(order.id)).toMatchObject({
      status: 'cancelled',
      paymentStatus: 'voided',
    });
    expect(await b.stockOf(product.id)).toBe(10);
    expect((await getOrder(young.order.id)).status).toBe('pending');
  });

  it('answers Stripe webhooks 404 when Stripe is not the provider', async () => {
    const res = await deliver(t, { body: '{"id":"evt_1"}', signature: 't=1,v1=00' });
    expectError(res, 404, 'PAYMENT_PROVIDER_NOT_CONFIGURED');
  });
});
