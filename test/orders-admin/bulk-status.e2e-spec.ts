import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, expectFieldError, expectStatus } from '../orders/order-expect.js';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { closeSockets, connectSocket, recordEvents } from '../support/sockets.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type BulkAnswer,
  bulkMove,
  historyRows,
  statusNotifications,
} from './bulk-status-helpers.js';

describe('bulkUpdateOrderStatus', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  it('moves every legal order, reports each refused one with its code, in request order', async () => {
    const customer = await b.customer();
    const first = await b.placeOrder({ customer });
    const second = await b.placeOrder({ customer });
    const shipped = await b.orderIn('shipped');
    const cancelled = await b.orderIn('cancelled');
    const confirmed = await b.orderIn('confirmed');
    const unknown = randomUUID();
    const refused = [shipped, cancelled, confirmed];
    const historyBefore = await Promise.all(refused.map((p) => b.historyCount(p.order.id)));

    const ids = [
      first.order.id,
      shipped.order.id,
      unknown,
      second.order.id,
      cancelled.order.id,
      confirmed.order.id,
    ];
    const res = await bulkMove(t, b.staff, {
      orderIds: ids,
      status: 'confirmed',
      note: 'payments captured',
    });
    expectStatus(res, 200);
    const answer = res.body as BulkAnswer;
    expect(answer).toEqual({
      updated: 2,
      failed: 4,
      items: [
        {
          orderId: first.order.id,
          result: 'updated',
          number: first.order.number,
          status: 'confirmed',
          paymentStatus: 'paid',
          error: null,
        },
        {
          orderId: shipped.order.id,
          result: 'failed',
          number: null,
          status: null,
          paymentStatus: null,
          error: {
            statusCode: 409,
            code: 'ILLEGAL_ORDER_TRANSITION',
            message: 'An order cannot move from shipped to confirmed',
            details: { from: 'shipped', to: 'confirmed' },
          },
        },
        {
          orderId: unknown,
          result: 'failed',
          number: null,
          status: null,
          paymentStatus: null,
          error: { statusCode: 404, code: 'NOT_FOUND', message: 'Order not found', details: null },
        },
        expect.objectContaining({
          orderId: second.order.id,
          result: 'updated',
          status: 'confirmed',
        }),
        expect.objectContaining({
          orderId: cancelled.order.id,
          result: 'failed',
          error: expect.objectContaining({ statusCode: 409, code: 'ILLEGAL_ORDER_TRANSITION' }),
        }),
        expect.objectContaining({
          orderId: confirmed.order.id,
          result: 'failed',
          error: expect.objectContaining({ statusCode: 409, code: 'ORDER_ALREADY_IN_STATUS' }),
        }),
      ],
    });

    // Each moved order: the status, one history entry by staff with the note, one notification.
    for (const placed of [first, second]) {
      expect(await b.statusOf(placed.order.id)).toBe('confirmed');
      expect(await historyRows(t, placed.order.id)).toEqual([
        { from: null, to: 'pending', by: customer.id, note: null },
        { from: 'pending', to: 'confirmed', by: b.staff.id, note: 'payments captured' },
      ]);
      expect(await statusNotifications(t, placed.order.id)).toEqual([['pending', 'confirmed']]);
    }
    // Each refused order: untouched, nothing recorded.
    for (const [i, placed] of refused.entries()) {
      expect(await b.statusOf(placed.order.id)).toBe(placed.order.status);
      expect(await b.historyCount(placed.order.id)).toBe(historyBefore[i]);
    }
    expect(await statusNotifications(t, shipped.order.id)).toHaveLength(3);
    expect(await statusNotifications(t, confirmed.order.id)).toEqual([['pending', 'confirmed']]);
  });

  it('cancels in bulk, giving back the stock of each cancelled order only', async () => {
    const pending = await b.placeOrder({ quantity: 2 });
    const processing = await b.orderIn('processing');
    const delivered = await b.orderIn('delivered');
    const res = await bulkMove(t, b.staff, {
      orderIds: [pending.order.id, processing.order.id, delivered.order.id],
      status: 'cancelled',
    });
    expectStatus(res, 200);
    const answer = res.body as BulkAnswer;
    expect(answer.items.map((i) => [i.result, i.paymentStatus, i.error?.code ?? null])).toEqual([
      ['updated', 'voided', null],
      ['updated', 'refunded', null],
      ['failed', null, 'ILLEGAL_ORDER_TRANSITION'],
    ]);
    expect(await b.stockOf(pending.product.id)).toBe(10);
    expect(await b.stockOf(processing.product.id)).toBe(10);
    expect(await b.stockOf(delivered.product.id)).toBe(9);
  });

  it('sets the tracking number and note on every shipped order', async () => {
    const orders = await Promise.all([b.orderIn('processing'), b.orderIn('processing')]);
    const res = await bulkMove(t, b.staff, {
      orderIds: orders.map((o) => o.order.id),
      status: 'shipped',
      trackingNumber: '  PALLET-77  ',
      note: 'one pallet',
    });
    expectStatus(res, 200);
    expect((res.body as BulkAnswer).updated).toBe(2);
    for (const { customer, order } of orders) {
      const seen = await b.getOrder(order.id, customer);
      expect(seen).toMatchObject({ status: 'shipped', trackingNumber: 'PALLET-77' });
      expect(seen.history.at(-1)).toMatchObject({ from: 'processing', note: 'one pallet' });
    }
  });

  it("pushes order_status_update to the owner's socket for each moved order", async () => {
    const customer = await b.customer();
    const orders = [await b.placeOrder({ customer }), await b.placeOrder({ customer })];
    const socket = await connectSocket(t.baseUrl, customer.accessToken);
    const log = recordEvents<{ orderId: string; newStatus: string; notificationId: string }>(
      socket,
      'order_status_update',
    );
    expectStatus(
      await bulkMove(t, b.staff, { orderIds: orders.map((o) => o.order.id), status: 'confirmed' }),
      200,
    );
    const pushes = await log.waitFor(2, 5_000);
    expect(pushes.map((p) => p.orderId).sort()).toEqual(orders.map((o) => o.order.id).sort());
    expect(pushes.every((p) => p.newStatus === 'confirmed')).toBe(true);
    const stored = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM notifications WHERE user_id = $1 AND type = 'order_status_update'`,
      [customer.id],
    );
    expect(pushes.map((p) => p.notificationId).sort()).toEqual(stored.map((r) => r.id).sort());
  });

  it('answers 403 to a customer, even for their own orders, and 401 without a token', async () => {
    const { customer, order } = await b.placeOrder();
    const body = { orderIds: [order.id], status: 'cancelled' };
    expectError(await bulkMove(t, customer, body), 403, 'FORBIDDEN');
    expectError(await bulkMove(t, undefined, body), 401, 'UNAUTHORIZED');
    expect(await b.statusOf(order.id)).toBe('pending');
    expect(await statusNotifications(t, order.id)).toEqual([]);
  });

  it('takes 100 orders and rejects 101 with 400', async () => {
    const hundred = Array.from({ length: 100 }, () => randomUUID());
    const res = await bulkMove(t, b.staff, { orderIds: hundred, status: 'confirmed' });
    expectStatus(res, 200);
    const answer = res.body as BulkAnswer;
    expect(answer).toMatchObject({ updated: 0, failed: 100 });
    expect(answer.items.map((i) => i.orderId)).toEqual(hundred);
    expect(answer.items.every((i) => i.error?.code === 'NOT_FOUND')).toBe(true);

    const { order } = await b.placeOrder();
    const tooMany = [order.id, ...Array.from({ length: 100 }, () => randomUUID())];
    const body = expectFieldError(
      await bulkMove(t, b.staff, { orderIds: tooMany, status: 'confirmed' }),
      'orderIds',
    );
    expect(body.message).toMatch(/100/);
    expect(await b.statusOf(order.id)).toBe('pending');
  });

  it.each([
    ['no ids', { orderIds: [], status: 'confirmed' }, 'orderIds'],
    ['a repeated id', { orderIds: ['REPEAT', 'REPEAT'], status: 'confirmed' }, 'orderIds'],
    ['an id that is not a uuid', { orderIds: ['nope'], status: 'confirmed' }, 'orderIds'],
    ['ids that are not an array', { orderIds: 'REPEAT', status: 'confirmed' }, 'orderIds'],
    ['no status', { orderIds: ['REPEAT'] }, 'status'],
    ['an unknown status', { orderIds: ['REPEAT'], status: 'lost' }, 'status'],
    [
      'a note too long',
      { orderIds: ['REPEAT'], status: 'confirmed', note: 'x'.repeat(1001) },
      'note',
    ],
    [
      'a tracking number too long',
      { orderIds: ['REPEAT'], status: 'shipped', trackingNumber: 'x'.repeat(101) },
      'trackingNumber',
    ],
    ['an unknown field', { orderIds: ['REPEAT'], status: 'confirmed', force: true }, 'force'],
  ])('rejects %s with 400 and moves nothing', async (_, template, field) => {
    const { order } = await b.placeOrder();
    const body = JSON.parse(JSON.stringify(template).replaceAll('REPEAT', order.id)) as object;
    expectFieldError(await bulkMove(t, b.staff, body), field);
    expect(await b.statusOf(order.id)).toBe('pending');
  });

  it('is safe to retry: orders already moved report ORDER_ALREADY_IN_STATUS, nothing doubles', async () => {
    const orders = await Promise.all([b.placeOrder(), b.placeOrder()]);
    const body = { orderIds: orders.map((o) => o.order.id), status: 'confirmed' };
    expectStatus(await bulkMove(t, b.staff, body), 200);
    const again = await bulkMove(t, b.staff, body);
    expectStatus(again, 200);
    expect((again.body as BulkAnswer).items.map((i) => i.error?.code)).toEqual([
      'ORDER_ALREADY_IN_STATUS',
      'ORDER_ALREADY_IN_STATUS',
    ]);
    for (const { order } of orders) {
      expect(await b.historyCount(order.id)).toBe(2);
      expect(await statusNotifications(t, order.id)).toHaveLength(1);
    }
  });
});
