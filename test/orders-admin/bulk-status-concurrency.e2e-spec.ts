import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { holdRowLock, releaseWhenQueued } from '../orders/row-lock.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type BulkAnswer, bulkMove, statusNotifications } from './bulk-status-helpers.js';

describe('bulkUpdateOrderStatus under concurrency', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets exactly one of a bulk confirm and a single cancel of the same order win (version check)', async () => {
    const { product, order } = await b.placeOrder();
    // Both read version 1 of the order, then queue on its row: neither has written yet.
    const lock = await holdRowLock(t, 'SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [order.id]);
    const [bulk, single] = await releaseWhenQueued(lock, 2, () => [
      bulkMove(t, b.staff, { orderIds: [order.id], status: 'confirmed' }),
      b.move(order.id, { status: 'cancelled' }),
    ]);
    if (!bulk || !single) throw new Error('two responses expected');
    expectStatus(bulk, 200);
    const item = (bulk.body as BulkAnswer).items[0];
    if (item?.result === 'updated') {
      expectError(single, 409, 'ORDER_CHANGED');
      expect(await b.statusOf(order.id)).toBe('confirmed');
      expect(await b.stockOf(product.id)).toBe(9);
    } else {
      expectStatus(single, 200);
      expect(item?.error).toMatchObject({ statusCode: 409, code: 'ORDER_CHANGED' });
      expect(await b.statusOf(order.id)).toBe('cancelled');
      expect(await b.stockOf(product.id)).toBe(10);
    }
    expect(await b.historyCount(order.id)).toBe(2);
    expect(await statusNotifications(t, order.id)).toHaveLength(1);
  });

  it('moves each order exactly once when two overlapping bulk requests race', async () => {
    const placed = await Promise.all(Array.from({ length: 8 }, () => b.placeOrder()));
    const ids = placed.map((p) => p.order.id);
    const [one, two] = await Promise.all([
      bulkMove(t, b.staff, { orderIds: ids, status: 'cancelled' }),
      bulkMove(t, b.staff, { orderIds: [...ids].reverse(), status: 'cancelled' }),
    ]);
    if (!one || !two) throw new Error('two responses expected');
    expectStatus(one, 200);
    expectStatus(two, 200);
    const answers = [one.body as BulkAnswer, two.body as BulkAnswer];
    expect(answers[0].updated + answers[1].updated).toBe(ids.length);
    for (const id of ids) {
      const outcomes = answers.map((a) => a.items.find((i) => i.orderId === id));
      expect(outcomes.filter((o) => o?.result === 'updated')).toHaveLength(1);
      const loser = outcomes.find((o) => o?.result === 'failed');
      expect(['ORDER_CHANGED', 'ILLEGAL_ORDER_TRANSITION', 'ORDER_ALREADY_IN_STATUS']).toContain(
        loser?.error?.code,
      );
      expect(await b.historyCount(id)).toBe(2);
      expect(await statusNotifications(t, id)).toEqual([['pending', 'cancelled']]);
    }
    // The stock came back once per order, not twice.
    for (const { product } of placed) expect(await b.stockOf(product.id)).toBe(10);
  });
});
