import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { orderBuilders, type OrderBuilders, type OrderView } from './order-builders.js';
import { expectError, expectStatus } from './order-expect.js';
import { holdRowLock, releaseWhenQueued } from './row-lock.js';

const CONFLICT_CODES = ['ORDER_CHANGED', 'ILLEGAL_ORDER_TRANSITION', 'ORDER_ALREADY_IN_STATUS'];

describe('concurrent order status changes', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets exactly one of a simultaneous confirm and cancel of a pending order win', async () => {
    const { customer, product, order } = await b.placeOrder();

    // Both requests read version 1 of the order, then queue on its row: neither has written.
    const lock = await holdRowLock(t, 'SELECT 1 FROM orders WHERE id = $1 FOR UPDATE', [order.id]);
    const responses = await releaseWhenQueued(lock, 2, () => [
      b.move(order.id, { status: 'confirmed' }),
      b.move(order.id, { status: 'cancelled' }),
    ]);
    const [confirm, cancel] = responses;

    const statuses = [confirm?.status, cancel?.status].sort();
    expect(statuses).toEqual([200, 409]);
    const [winner, loser] = confirm?.status === 200 ? [confirm, cancel] : [cancel, confirm];
    if (!winner || !loser) throw new Error('two responses expected');
    expectError(loser, 409, 'ORDER_CHANGED');
    const won = (winner.body as OrderView).status;

    const final = await b.getOrder(order.id, customer);
    expect(final.status).toBe(won);
    expect(final.history.map((h) => [h.from, h.to])).toEqual([
      [null, 'pending'],
      ['pending', won],
    ]);
    expect(await b.historyCount(order.id)).toBe(2);
    expect(await b.stockOf(product.id)).toBe(won === 'cancelled' ? 10 : 9);
  });

  it('lets exactly one of racing ship and cancel requests on a processing order win', async () => {
    const { customer, product, order } = await b.orderIn('processing');
    const bodies = [
      { status: 'shipped', trackingNumber: 'TRK-A' },
      { status: 'cancelled' },
      { status: 'shipped', trackingNumber: 'TRK-B' },
      { status: 'cancelled' },
      { status: 'shipped', trackingNumber: 'TRK-C' },
      { status: 'cancelled' },
    ];

    const responses = await Promise.all(bodies.map((body) => b.move(order.id, body)));

    const won = responses.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    for (const res of responses.filter((r) => r.status !== 200)) {
      expect(res.status).toBe(409);
      expect(CONFLICT_CODES).toContain((res.body as { code: string }).code);
    }
    const winner = won[0]?.body as OrderView;
    const final = await b.getOrder(order.id, customer);
    expect(final.status).toBe(winner.status);
    expect(final.trackingNumber).toBe(winner.trackingNumber);
    expect(final.history.map((h) => h.to)).toEqual([
      'pending',
      'confirmed',
      'processing',
      winner.status,
    ]);
    expect(await b.stockOf(product.id)).toBe(winner.status === 'cancelled' ? 10 : 9);
  });

  it('gives the stock back once when the owner and staff cancel at the same moment', async () => {
    const placed = await Promise.all(
      Array.from({ length: 5 }, () => b.placeOrder({ quantity: 2, product: { stock: 10 } })),
    );

    const results = await Promise.all(
      placed.map(({ customer, order }) =>
        Promise.all([b.cancel(order.id, customer), b.move(order.id, { status: 'cancelled' })]),
      ),
    );

    for (const [i, pair] of results.entries()) {
      const { product, order } = placed[i];
      expect(pair.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await b.stockOf(product.id)).toBe(10);
      expect(await b.historyCount(order.id)).toBe(2);
    }
  }, 60_000);

  it('keeps the stock exact when a cancel and a checkout of the same product race', async () => {
    const product = await b.product({ stock: 1 });
    const seller = await b.customer();
    const buyer = await b.customer();
    await b.addToCart(buyer, product.id, 1);
    await b.addToCart(seller, product.id, 1);
    const first = await b.checkout(seller);
    expectStatus(first, 201);
    expect(await b.stockOf(product.id)).toBe(0);

    const [cancel, checkout] = await Promise.all([
      b.cancel((first.body as OrderView).id, seller),
      b.checkout(buyer),
    ]);

    expectStatus(cancel, 200);
    expect([201, 409]).toContain(checkout.status);
    if (checkout.status === 409) expectError(checkout, 409, 'INSUFFICIENT_STOCK');
    expect(await b.stockOf(product.id)).toBe(checkout.status === 201 ? 0 : 1);
  });
});
