import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ORDER_STATUSES, TRANSITIONS } from '@/orders/order-state-machine.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  orderBuilders,
  type OrderBuilders,
  type OrderStatus,
  type OrderView,
} from './order-builders.js';
import { expectError, expectFieldError, expectStatus, ISO_DATE } from './order-expect.js';

/** Every move between two different statuses that the state machine's table does not list. */
const ILLEGAL_MOVES = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.filter(
    (to) => to !== from && !TRANSITIONS.some((m) => m.from === from && m.to === to),
  ).map((to) => [from, to] as const),
);

describe('order status changes', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('walks pending → confirmed → processing → shipped → delivered → refunded, recording each step', async () => {
    const { customer, order } = await b.placeOrder();
    const steps: Array<[OrderStatus, string, Record<string, unknown>]> = [
      ['confirmed', 'paid', { note: 'payment captured' }],
      ['processing', 'paid', {}],
      ['shipped', 'paid', { trackingNumber: '1Z999AA10123456784', note: 'UPS' }],
      ['delivered', 'paid', {}],
      ['refunded', 'refunded', { note: 'damaged in transit' }],
    ];
    let previous = order;
    for (const [to, paymentStatus, extra] of steps) {
      const res = await b.move(order.id, { status: to, ...extra });
      expectStatus(res, 200);
      const moved = res.body as OrderView;
      expect(moved).toMatchObject({ id: order.id, status: to, paymentStatus });
      expect(moved.history).toEqual([
        ...previous.history,
        {
          from: previous.status,
          to,
          at: expect.stringMatching(ISO_DATE),
          by: b.staff.id,
          note: (extra.note as string | undefined) ?? null,
        },
      ]);
      expect(Date.parse(moved.history.at(-1)?.at ?? '')).toBeGreaterThanOrEqual(
        Date.parse(previous.history.at(-1)?.at ?? ''),
      );
      previous = moved;
    }
    expect(previous.trackingNumber).toBe('1Z999AA10123456784');
    expect(await b.getOrder(order.id, customer)).toEqual(previous);
    expect(await b.historyCount(order.id)).toBe(6);
  });

  it.each([
    ['pending', 'voided'],
    ['confirmed', 'refunded'],
    ['processing', 'refunded'],
  ] as const)('lets staff cancel a %s order: payment %s, stock back', async (from, payment) => {
    const { product, order } = await b.orderIn(from);
    expect(await b.stockOf(product.id)).toBe(9);
    const res = await b.move(order.id, { status: 'cancelled', note: 'out of business' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ status: 'cancelled', paymentStatus: payment });
    expect((res.body as OrderView).history.at(-1)).toMatchObject({
      from,
      to: 'cancelled',
      by: b.staff.id,
      note: 'out of business',
    });
    expect(await b.stockOf(product.id)).toBe(10);
  });

  it.each(ILLEGAL_MOVES)('rejects %s → %s with 409 and changes nothing', async (from, to) => {
    const { product, order } = await b.orderIn(from);
    const stock = await b.stockOf(product.id);
    const history = await b.historyCount(order.id);
    const body = expectError(
      await b.move(order.id, { status: to }),
      409,
      'ILLEGAL_ORDER_TRANSITION',
    );
    expect(body.details).toEqual({ from, to });
    expect(await b.statusOf(order.id)).toBe(from);
    expect(await b.historyCount(order.id)).toBe(history);
    expect(await b.stockOf(product.id)).toBe(stock);
  });

  it.each(ORDER_STATUSES)(
    'rejects moving a %s order to the status it has with 409',
    async (status) => {
      const { product, order } = await b.orderIn(status);
      const stock = await b.stockOf(product.id);
      const history = await b.historyCount(order.id);
      expectError(await b.move(order.id, { status }), 409, 'ORDER_ALREADY_IN_STATUS');
      expect(await b.statusOf(order.id)).toBe(status);
      expect(await b.historyCount(order.id)).toBe(history);
      expect(await b.stockOf(product.id)).toBe(stock);
    },
  );

  it('answers 403 to a customer calling updateOrderStatus, even on their own order', async () => {
    const { customer, order } = await b.placeOrder();
    expectError(await b.move(order.id, { status: 'confirmed' }, customer), 403, 'FORBIDDEN');
    expectError(await b.move(order.id, { status: 'cancelled' }, customer), 403, 'FORBIDDEN');
    expect(await b.statusOf(order.id)).toBe('pending');
  });

  it('rejects a bad status body with 400', async () => {
    const { order } = await b.placeOrder();
    expectFieldError(await b.move(order.id, { status: 'lost' }), 'status');
    expectFieldError(await b.move(order.id, {}), 'status');
    expectFieldError(
      await b.move(order.id, { status: 'confirmed', trackingNumber: 'x'.repeat(101) }),
      'trackingNumber',
    );
    expectFieldError(await b.move(order.id, { status: 'confirmed', by: 'me' }), 'by');
    expect(await b.statusOf(order.id)).toBe('pending');
  });

  it('answers 404 to an unknown order and 400 to an id that is not a uuid', async () => {
    expectError(await b.move(randomUUID(), { status: 'confirmed' }), 404, 'NOT_FOUND');
    expectError(await b.move('nope', { status: 'confirmed' }), 400, 'BAD_REQUEST');
  });
});

describe('cancelOrder by the customer', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['pending', 'voided'],
    ['confirmed', 'refunded'],
  ] as const)(
    'cancels their own %s order: 200 with the order, stock back',
    async (from, payment) => {
      const { customer, product, order } = await b.orderIn(from);
      expect(await b.stockOf(product.id)).toBe(9);
      const res = await b.cancel(order.id, customer, { note: 'changed my mind' });
      expectStatus(res, 200);
      const cancelled = res.body as OrderView;
      expect(cancelled).toMatchObject({
        id: order.id,
        status: 'cancelled',
        paymentStatus: payment,
      });
      expect(cancelled.history.at(-1)).toEqual({
        from,
        to: 'cancelled',
        at: expect.stringMatching(ISO_DATE),
        by: customer.id,
        note: 'changed my mind',
      });
      expect(await b.getOrder(order.id, customer)).toEqual(cancelled);
      expect(await b.stockOf(product.id)).toBe(10);
    },
  );

  it('cancels without a body', async () => {
    const { customer, order } = await b.placeOrder();
    const res = await t.http
      .post(`/api/orders/${order.id}/cancel`)
      .set('Authorization', customer.auth);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ status: 'cancelled' });
  });

  it('answers 403 to a customer cancelling a processing order, and keeps it', async () => {
    const { customer, product, order } = await b.orderIn('processing');
    expectError(await b.cancel(order.id, customer), 403, 'FORBIDDEN');
    expect(await b.statusOf(order.id)).toBe('processing');
    expect(await b.stockOf(product.id)).toBe(9);
  });

  it("lets staff cancel a customer's processing order through cancelOrder", async () => {
    const { product, order } = await b.orderIn('processing');
    const res = await b.cancel(order.id, b.staff, { note: 'lost in the warehouse' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({ status: 'cancelled', paymentStatus: 'refunded' });
    expect((res.body as OrderView).history.at(-1)).toMatchObject({ by: b.staff.id });
    expect(await b.stockOf(product.id)).toBe(10);
  });

  it('answers 409 to a customer cancelling a shipped order', async () => {
    const { customer, order } = await b.orderIn('shipped');
    expectError(await b.cancel(order.id, customer), 409, 'ILLEGAL_ORDER_TRANSITION');
    expect(await b.statusOf(order.id)).toBe('shipped');
  });

  it('answers 409 to cancelling twice, and gives the stock back once', async () => {
    const { customer, product, order } = await b.placeOrder({ quantity: 3 });
    expectStatus(await b.cancel(order.id, customer), 200);
    expectError(await b.cancel(order.id, customer), 409, 'ORDER_ALREADY_IN_STATUS');
    expect(await b.stockOf(product.id)).toBe(10);
    expect(await b.historyCount(order.id)).toBe(2);
  });

  it("answers 404 to a customer cancelling someone else's order", async () => {
    const { order } = await b.placeOrder();
    const stranger = await b.customer();
    expectError(await b.cancel(order.id, stranger), 404, 'NOT_FOUND');
    expect(await b.statusOf(order.id)).toBe('pending');
  });

  it('rejects unknown fields in the cancel body with 400', async () => {
    const { customer, order } = await b.placeOrder();
    expectFieldError(await b.cancel(order.id, customer, { status: 'refunded' }), 'status');
    expect(await b.statusOf(order.id)).toBe('pending');
  });
});
