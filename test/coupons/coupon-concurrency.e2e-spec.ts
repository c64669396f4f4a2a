import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tally } from '../support/tally.js';
import {
  ADDRESS,
  orderBuilders,
  type OrderBuilders,
  type OrderView,
} from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { couponBuilders, type CouponBuilders } from './coupon-builders.js';

describe('coupon limits under concurrent checkouts', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let c: CouponBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
    c = couponBuilders(t, b);
  });
  afterAll(async () => {
    await t.close();
  });

  const checkoutWith = (customer: Parameters<OrderBuilders['checkout']>[0], couponCode: string) =>
    b.checkout(customer, { shippingAddress: ADDRESS, couponCode });
  /**
   * `count` customers, each with one unit of a product of their own in the cart: their
   * checkouts share no product row lock, so only the coupon's lock can serialize them.
   */
  const buyersOfOwnProducts = async (count: number) => {
    const buyers = await b.customers(count);
    await Promise.all(
      buyers.map(async (buyer) => {
        const product = await b.product({ price: 1000, stock: 5 });
        await b.fillCarts([buyer], product.id, 1);
      }),
    );
    return buyers;
  };

  it('gives the last use of a coupon to exactly one of 20 simultaneous checkouts', async () => {
    const coupon = await c.coupon({ discountType: 'fixed', discountValue: 300, usageLimit: 3 });
    const product = await b.product({ price: 1000, stock: 100 });
    // Two of the three uses are taken first: one use is left.
    for (const early of await b.customers(2)) {
      await b.fillCarts([early], product.id, 1);
      expectStatus(await checkoutWith(early, coupon.code), 201);
    }
    const buyers = await buyersOfOwnProducts(20);

    const responses = await Promise.all(buyers.map((buyer) => checkoutWith(buyer, coupon.code)));

    expect(tally(responses)).toEqual({ 201: 1, 422: 19 });
    const winner = responses.find((r) => r.status === 201)?.body as OrderView;
    expect(winner).toMatchObject({ discountAmount: 300, total: 700, couponCode: coupon.code });
    for (const loser of responses.filter((r) => r.status === 422))
      expectError(loser, 422, 'COUPON_USAGE_LIMIT_REACHED');
    expect(await c.heldUses(coupon.id)).toBe(3);
    const [discounted] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM orders WHERE coupon_code = $1 AND discount_amount > 0`,
      [coupon.code],
    );
    expect(discounted?.n).toBe(3);
    // The losers' checkouts rolled back whole: their stock is back and their carts are intact.
    const [left] = await t.dataSource.query<Array<{ lines: number; stock: number }>>(
      `SELECT count(*)::int AS lines, sum(p.stock)::int AS stock
         FROM cart_items i JOIN carts c ON c.id = i.cart_id JOIN products p ON p.id = i.product_id
        WHERE c.user_id = ANY($1::uuid[])`,
      [buyers.map((buyer) => buyer.id)],
    );
    expect(left).toEqual({ lines: 19, stock: 19 * 5 });
  }, 60_000);

  it('lets exactly as many simultaneous checkouts as the limit allows', async () => {
    const coupon = await c.coupon({ usageLimit: 5 });
    const buyers = await buyersOfOwnProducts(20);

    const responses = await Promise.all(buyers.map((buyer) => checkoutWith(buyer, coupon.code)));

    expect(tally(responses)).toEqual({ 201: 5, 422: 15 });
    expect(await c.heldUses(coupon.id)).toBe(5);
  }, 60_000);

  it('counts a use released by a cancellation racing the checkouts at most once', async () => {
    const coupon = await c.coupon({ usageLimit: 1 });
    const product = await b.product({ price: 1000, stock: 100 });
    const [holder] = await b.customers(1);
    if (!holder) throw new Error('no customer');
    await b.fillCarts([holder], product.id, 1);
    const placed = await checkoutWith(holder, coupon.code);
    expectStatus(placed, 201);
    const buyers = await buyersOfOwnProducts(10);

    const [cancelled, ...responses] = await Promise.all([
      b.cancel((placed.body as OrderView).id, holder),
      ...buyers.map((buyer) => checkoutWith(buyer, coupon.code)),
    ]);

    expectStatus(cancelled, 200);
    // Checkouts that ran before the cancellation committed were refused; at most one after it won.
    expect(responses.filter((r) => r.status === 201).length).toBeLessThanOrEqual(1);
    expect(await c.heldUses(coupon.id)).toBeLessThanOrEqual(1);
  }, 60_000);

  it('gives one customer racing 10 checkouts with a once-per-customer coupon exactly one discounted order', async () => {
    const coupon = await c.coupon({ discountType: 'fixed', discountValue: 300, perUserLimit: 1 });
    const customer = await b.customer();
    const products = await Promise.all(
      Array.from({ length: 10 }, () => b.product({ price: 1000, stock: 5 })),
    );

    // One cart per customer: each racer adds a product of its own, then checks out whatever
    // the cart holds by then, with the coupon.
    const responses = await Promise.all(
      products.map(async (product) => {
        await b.addToCart(customer, product.id, 1);
        return checkoutWith(customer, coupon.code);
      }),
    );

    const placed = responses.filter((r) => r.status === 201);
    expect(placed).toHaveLength(1);
    expect(placed[0]?.body).toMatchObject({ discountAmount: 300, couponCode: coupon.code });
    for (const refused of responses.filter((r) => r.status !== 201)) {
      const code = (refused.body as { code?: string }).code;
      if (code === 'EMPTY_CART') expectError(refused, 400, 'EMPTY_CART');
      else expectError(refused, 422, 'COUPON_USER_LIMIT_REACHED');
    }
    expect(await c.heldUses(coupon.id)).toBe(1);
    const orders = await t.dataSource.query<Array<{ discount: number }>>(
      'SELECT discount_amount AS discount FROM orders WHERE user_id = $1',
      [customer.id],
    );
    expect(orders).toEqual([{ discount: 300 }]);
    // Every product is either in the one order (its stock taken) or still in the cart.
    const ordered = (placed[0]?.body as OrderView).items.map((i) => i.productId);
    const inCart = (await b.getCart(customer)).items.map((i) => i.product.id);
    expect([...ordered, ...inCart].sort()).toEqual(products.map((p) => p.id).sort());
    for (const product of products) {
      expect(await b.stockOf(product.id)).toBe(ordered.includes(product.id) ? 4 : 5);
    }
  }, 60_000);
});
