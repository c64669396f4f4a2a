import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { tally } from '../support/tally.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { orderBuilders, type OrderBuilders, type OrderView } from './order-builders.js';
import { expectError, expectStatus } from './order-expect.js';
import { holdRowLock } from './row-lock.js';

describe('concurrent checkouts', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const ordersWith = async (productId: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(DISTINCT order_id)::int AS n FROM order_items WHERE product_id = $1',
      [productId],
    );
    return row?.n ?? 0;
  };

  it('sells the last 5 units to exactly 5 of 40 simultaneous buyers', async () => {
    const product = await b.product({ stock: 5 });
    const buyers = await b.customers(40);
    await b.fillCarts(buyers, product.id, 1);

    const responses = await Promise.all(buyers.map((buyer) => b.checkout(buyer)));

    expect(tally(responses)).toEqual({ 201: 5, 409: 35 });
    for (const res of responses.filter((r) => r.status === 409)) {
      const body = expectError(res, 409, 'INSUFFICIENT_STOCK');
      expect(body.details).toEqual([{ productId: product.id, requested: 1, available: 0 }]);
    }
    expect(await b.stockOf(product.id)).toBe(0);
    expect(await ordersWith(product.id)).toBe(5);
    // The losers keep their cart lines; the winners' carts are empty.
    const [lines] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM cart_items WHERE product_id = $1',
      [product.id],
    );
    expect(lines?.n).toBe(35);
  }, 60_000);

  it('never deadlocks carts that hold the same products in opposite orders', async () => {
    const first = await b.product({ stock: 100 });
    const second = await b.product({ stock: 100 });
    const buyers = await b.customers(16);
    await Promise.all(
      buyers.map(async (buyer, i) => {
        // Half add first then second, half the other way round: lines are read in that order.
        const [a, z] = i % 2 === 0 ? [first, second] : [second, first];
        await b.addToCart(buyer, a.id, 2);
        await b.addToCart(buyer, z.id, 3);
      }),
    );

    const responses = await Promise.all(buyers.map((buyer) => b.checkout(buyer)));

    expect(tally(responses)).toEqual({ 201: 16 });
    expect(await b.stockOf(first.id)).toBe(100 - 8 * 2 - 8 * 3);
    expect(await b.stockOf(second.id)).toBe(100 - 8 * 3 - 8 * 2);
  }, 60_000);

  it('gives each of several simultaneous buyers of plenty their own order', async () => {
    const product = await b.product({ stock: 50 });
    const buyers = await b.customers(12);
    await b.fillCarts(buyers, product.id, 2);

    const responses = await Promise.all(buyers.map((buyer) => b.checkout(buyer)));

    expect(tally(responses)).toEqual({ 201: 12 });
    const numbers = responses.map((r) => (r.body as { number: string }).number);
    expect(new Set(numbers).size).toBe(12);
    expect(await b.stockOf(product.id)).toBe(50 - 24);
  }, 60_000);

  it('keeps a product added to the cart while a checkout of that cart is running', async () => {
    const buyer = await b.customer();
    const ordered = await b.product({ stock: 5 });
    const later = await b.product({ stock: 5 });
    await b.addToCart(buyer, ordered.id, 1);
    // The checkout reads the cart, then queues on the product row held here.
    const lock = await holdRowLock(t, 'SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [
      ordered.id,
    ]);
    let added = false;
    let checkout: Promise<Response> | undefined;
    let add: Promise<Response> | undefined;
    try {
      checkout = b.checkout(buyer);
      await lock.waitForWaiters(1);
      add = t.http
        .post('/api/cart/items')
        .set('Authorization', buyer.auth)
        .send({ productId: later.id, quantity: 1 })
        .then((res) => {
          added = true;
          return res;
        });
      // The add either finishes or waits for the checkout: either way the checkout is mid-way.
      const deadline = Date.now() + 10_000;
      while (!added && (await lock.waiters()) < 2 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      await lock.release();
    }
    const [checkedOut, addResponse] = await Promise.all([checkout, add]);
    if (!checkedOut || !addResponse) throw new Error('both requests expected');

    expectStatus(checkedOut, 201);
    expectStatus(addResponse, 200);
    expect((checkedOut.body as OrderView).items.map((i) => i.productId)).toEqual([ordered.id]);
    expect((await b.getCart(buyer)).items.map((i) => [i.product.id, i.quantity])).toEqual([
      [later.id, 1],
    ]);
  });
});
