import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { ADDRESS, orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { type HeldLock, holdRowLock } from '../orders/row-lock.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { couponBuilders, type CouponBuilders, type CouponView } from './coupon-builders.js';

/**
 * Only a coupon with a usage limit serializes its checkouts: one without limits is not locked,
 * so a promotion's checkouts run side by side. The test holds the coupon row the way a limited
 * checkout (or a plain UPDATE of it) does, `FOR NO KEY UPDATE`; `FOR UPDATE` would also block
 * the foreign-key check of the redemption row every coupon checkout writes.
 */
describe('coupon row locks at checkout', () => {
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

  const buyer = async (): Promise<TestUser> => {
    const customer = await b.customer();
    const product = await b.product({ price: 1000, stock: 5 });
    await b.fillCarts([customer], product.id, 1);
    return customer;
  };
  const checkoutWith = (customer: TestUser, coupon: CouponView): Promise<Response> =>
    b.checkout(customer, { shippingAddress: ADDRESS, couponCode: coupon.code });
  const holdCoupon = (coupon: CouponView) =>
    holdRowLock(t, 'SELECT 1 FROM coupons WHERE id = $1 FOR NO KEY UPDATE', [coupon.id]);
  /** A checkout started while `lock` is held, queued on it, then let go: its answer. */
  const checkoutQueuedOn = async (
    lock: HeldLock,
    customer: TestUser,
    coupon: CouponView,
  ): Promise<Response> => {
    try {
      const checkout = checkoutWith(customer, coupon);
      await lock.waitForWaiters(1);
      return checkout;
    } finally {
      await lock.release();
    }
  };
  const settledWithin = <T>(ms: number, promise: Promise<T>): Promise<T | 'still waiting'> =>
    Promise.race([
      promise,
      new Promise<'still waiting'>((resolve) => setTimeout(() => resolve('still waiting'), ms)),
    ]);

  it('completes a checkout with an unlimited coupon while its row is locked', async () => {
    const coupon = await c.coupon({ discountType: 'fixed', discountValue: 100 });
    const customer = await buyer();
    const lock = await holdCoupon(coupon);
    try {
      const res = await settledWithin(5_000, checkoutWith(customer, coupon));
      if (res === 'still waiting') throw new Error('the checkout waited on the coupon row');
      expectStatus(res, 201);
      expect(res.body).toMatchObject({ couponCode: coupon.code, discountAmount: 100 });
    } finally {
      await lock.release();
    }
    expect(await c.heldUses(coupon.id)).toBe(1);
  });

  it.each([
    ['a usage limit', { usageLimit: 5 }],
    ['a per-customer limit', { perUserLimit: 1 }],
  ])('makes a checkout with a coupon that has %s wait for its row', async (_name, limit) => {
    const coupon = await c.coupon(limit);
    const customer = await buyer();
    expectStatus(await checkoutQueuedOn(await holdCoupon(coupon), customer, coupon), 201);
    expect(await c.heldUses(coupon.id)).toBe(1);
  });

  it('lets staff change an unlimited coupon while a checkout with it is running', async () => {
    const coupon = await c.coupon();
    const customer = await buyer();
    const [line] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT i.id FROM cart_items i JOIN carts c ON c.id = i.cart_id WHERE c.user_id = $1`,
      [customer.id],
    );
    // The checkout has applied the coupon and queues on emptying the cart line held here (its use
    // is recorded after that, under no lock of the coupon's).
    const lock = await holdRowLock(t, 'SELECT 1 FROM cart_items WHERE id = $1 FOR UPDATE', [
      line?.id,
    ]);
    let checkout: Promise<Response> | undefined;
    try {
      checkout = checkoutWith(customer, coupon);
      await lock.waitForWaiters(1);
      const patch = t.http
        .patch(`/api/coupons/${coupon.id}`)
        .set('Authorization', b.staff.auth)
        .send({ isActive: false })
        .then((r) => r);
      const res = await settledWithin(5_000, patch);
      if (res === 'still waiting') throw new Error('the change waited for the checkout');
      expectStatus(res, 200);
    } finally {
      await lock.release();
    }
    // The checkout read the coupon before the change: it keeps it, later ones do not.
    expectStatus(await checkout, 201);
    expectError(await checkoutWith(await buyer(), coupon), 404, 'COUPON_NOT_FOUND');
  });

  it('prices a checkout again when a limited coupon changed between its first read and its lock', async () => {
    const coupon = await c.coupon({ usageLimit: 5, discountValue: 10 }); // 10 % of 1000
    const customer = await buyer();
    // Staff's change, uncommitted: the checkout reads the old terms, prices the order with
    // them, and queues on the coupon's lock (taken last); the change commits meanwhile.
    const change = await holdRowLock(t, 'UPDATE coupons SET discount_value = 20 WHERE id = $1', [
      coupon.id,
    ]);
    const res = await checkoutQueuedOn(change, customer, coupon);
    expectStatus(res, 201);
    // Found again under the lock with another discount: the whole checkout ran again.
    expect(res.body).toMatchObject({ couponCode: coupon.code, discountAmount: 200 });
    expect(await c.heldUses(coupon.id)).toBe(1);
    const [orders] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
      [customer.id],
    );
    expect(orders?.n).toBe(1);
  });
});
