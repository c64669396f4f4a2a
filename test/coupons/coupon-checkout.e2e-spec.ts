import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ADDRESS,
  orderBuilders,
  type OrderBuilders,
  type OrderView,
} from '../orders/order-builders.js';
import { expectError, expectFieldError, expectStatus } from '../orders/order-expect.js';
import { type BulkAnswer, bulkMove } from '../orders-admin/bulk-status-helpers.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { couponBuilders, type CouponBuilders, type CouponView } from './coupon-builders.js';

const PAST = { startsAt: '2020-01-01T00:00:00Z', endsAt: '2020-02-01T00:00:00Z' };
const FUTURE = { startsAt: '2099-01-01T00:00:00Z' };

describe('coupons at checkout', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let c: CouponBuilders;
  beforeAll(async () => {
    // Shipping 5.00 and tax 10 %: the discount comes off before tax.
    t = await createTestApp({ SHIPPING_FLAT_FEE: '500', TAX_RATE_PERCENT: '10' });
    b = await orderBuilders(t);
    c = couponBuilders(t, b);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A customer with `quantity` of a fresh product of `price` in their cart. */
  const shopper = async (price = 2000, quantity = 2, stock = 10) => {
    const customer = await b.customer();
    const product = await b.product({ price, stock });
    await b.addToCart(customer, product.id, quantity);
    return { customer, product };
  };
  const checkoutWith = (customer: TestUser, couponCode?: string, key?: string) =>
    b.checkout(customer, { shippingAddress: ADDRESS, couponCode }, key);
  const getCoupon = async (id: string): Promise<CouponView> => {
    const res = await t.http.get(`/api/coupons/${id}`).set('Authorization', b.staff.auth);
    expectStatus(res, 200);
    return res.body as CouponView;
  };

  it('takes a percentage off the subtotal before tax, whatever case the code is typed in', async () => {
    const coupon = await c.coupon({ discountValue: 25 });
    const { customer, product } = await shopper(2000, 2);
    const res = await checkoutWith(customer, `  ${coupon.code.toLowerCase()} `);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      subtotal: 4000,
      discountAmount: 1000,
      shippingAmount: 500,
      taxAmount: 300, // 10 % of 3000
      total: 3800,
      couponCode: coupon.code,
    });
    const order = res.body as OrderView;
    expect(await b.stockOf(product.id)).toBe(8);
    const [row] = await t.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT o.coupon_code, r.discount_amount, r.user_id, r.released_at
         FROM orders o JOIN coupon_redemptions r ON r.order_id = o.id WHERE o.id = $1`,
      [order.id],
    );
    expect(row).toEqual({
      coupon_code: coupon.code,
      discount_amount: 1000,
      user_id: customer.id,
      released_at: null,
    });
    expect((await getCoupon(coupon.id)).timesUsed).toBe(1);
    expect(await b.getOrder(order.id, customer)).toMatchObject({
      discountAmount: 1000,
      total: 3800,
    });
  });

  it('never discounts more than the subtotal, so the total never goes negative', async () => {
    const coupon = await c.coupon({ discountType: 'fixed', discountValue: 50_000 });
    const { customer } = await shopper(9150, 1);
    const res = await checkoutWith(customer, coupon.code);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({
      subtotal: 9150,
      discountAmount: 9150,
      taxAmount: 0,
      shippingAmount: 500,
      total: 500,
    });
  });

  it('caps the discount at the maximum discount amount', async () => {
    const coupon = await c.coupon({ discountValue: 50, maxDiscountAmount: 2000 });
    const { customer } = await shopper(10_000, 1);
    const res = await checkoutWith(customer, coupon.code);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ subtotal: 10_000, discountAmount: 2000, total: 9300 });
  });

  it('orders without a discount when no coupon is given', async () => {
    const { customer } = await shopper(1000, 1);
    const res = await checkoutWith(customer);
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ discountAmount: 0, total: 1600 });
    const [row] = await t.dataSource.query<Array<{ coupon_code: string | null }>>(
      'SELECT coupon_code FROM orders WHERE id = $1',
      [(res.body as OrderView).id],
    );
    expect(row?.coupon_code).toBeNull();
  });

  it('answers 404 COUPON_NOT_FOUND to an unknown code and to a deactivated one, touching nothing', async () => {
    const other = await c.coupon();
    const deactivated = await c.coupon();
    await t.http
      .post(`/api/coupons/${deactivated.id}/deactivate`)
      .set('Authorization', b.staff.auth)
      .expect(200);
    const { customer, product } = await shopper(1000, 3);
    const unknown = expectError(
      await checkoutWith(customer, 'NO-SUCH-CODE'),
      404,
      'COUPON_NOT_FOUND',
    );
    const inactive = expectError(
      await checkoutWith(customer, deactivated.code),
      404,
      'COUPON_NOT_FOUND',
    );
    // One answer for both; it names no code.
    expect(inactive.message).toBe(unknown.message);
    expect(JSON.stringify(unknown)).not.toContain(other.code);
    expect(unknown.details).toBeUndefined();
    expect(await b.stockOf(product.id)).toBe(10);
    expect((await b.getCart(customer)).itemCount).toBe(3);
  });

  it('answers distinct 422s to an expired coupon and to one not valid yet', async () => {
    const expired = await c.coupon(PAST);
    const early = await c.coupon(FUTURE);
    const { customer, product } = await shopper();
    expectError(await checkoutWith(customer, expired.code), 422, 'COUPON_EXPIRED');
    expectError(await checkoutWith(customer, early.code), 422, 'COUPON_NOT_YET_VALID');
    expect(await b.stockOf(product.id)).toBe(10);
    expect(await c.heldUses(expired.id)).toBe(0);
  });

  it('enforces the minimum order amount at checkout, not only when validating', async () => {
    const coupon = await c.coupon({ minOrderAmount: 5000 });
    const { customer } = await shopper(2000, 2);
    const body = expectError(
      await checkoutWith(customer, coupon.code),
      422,
      'COUPON_MINIMUM_NOT_MET',
    );
    expect(body.details).toEqual({ minOrderAmount: 5000, subtotal: 4000 });
    const { customer: bigger } = await shopper(2500, 2);
    expectStatus(await checkoutWith(bigger, coupon.code), 201);
  });

  it('holds each customer to the per-customer limit, and no one else', async () => {
    const coupon = await c.coupon({ perUserLimit: 1 });
    const { customer, product } = await shopper(1000, 1);
    expectStatus(await checkoutWith(customer, coupon.code), 201);
    await b.addToCart(customer, product.id, 1);
    const body = expectError(
      await checkoutWith(customer, coupon.code),
      422,
      'COUPON_USER_LIMIT_REACHED',
    );
    expect(body.details).toEqual({ perUserLimit: 1 });
    const { customer: someoneElse } = await shopper(1000, 1);
    expectStatus(await checkoutWith(someoneElse, coupon.code), 201);
    expect(await c.heldUses(coupon.id)).toBe(2);
  });

  it('gives a use back when its order is cancelled, by the customer or by staff', async () => {
    const coupon = await c.coupon({ usageLimit: 1 });
    const first = await shopper(1000, 1);
    const placed = await checkoutWith(first.customer, coupon.code);
    expectStatus(placed, 201);
    const second = await shopper(1000, 1);
    expectError(
      await checkoutWith(second.customer, coupon.code),
      422,
      'COUPON_USAGE_LIMIT_REACHED',
    );

    expectStatus(await b.cancel((placed.body as OrderView).id, first.customer), 200);
    expect((await getCoupon(coupon.id)).timesUsed).toBe(0);
    const [released] = await t.dataSource.query<Array<{ released_at: Date | null }>>(
      'SELECT released_at FROM coupon_redemptions WHERE order_id = $1',
      [(placed.body as OrderView).id],
    );
    expect(released?.released_at).toBeInstanceOf(Date);

    const again = await checkoutWith(second.customer, coupon.code);
    expectStatus(again, 201);
    expect(again.body).toMatchObject({ discountAmount: 100 });
    expectStatus(await b.move((again.body as OrderView).id, { status: 'cancelled' }), 200);
    expect(await c.heldUses(coupon.id)).toBe(0);
  });

  it('gives the uses back when staff cancel the orders through bulkUpdateOrderStatus', async () => {
    const coupon = await c.coupon({ usageLimit: 2 });
    const placed: OrderView[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { customer } = await shopper(1000, 1);
      const res = await checkoutWith(customer, coupon.code);
      expectStatus(res, 201);
      placed.push(res.body as OrderView);
    }
    const [pending, confirmed] = placed.map((o) => o.id);
    expectStatus(await b.move(confirmed ?? '', { status: 'confirmed' }), 200);
    const late = await shopper(1000, 1);
    expectError(await checkoutWith(late.customer, coupon.code), 422, 'COUPON_USAGE_LIMIT_REACHED');

    const res = await bulkMove(t, b.staff, { orderIds: [pending, confirmed], status: 'cancelled' });
    expectStatus(res, 200);
    expect(res.body as BulkAnswer).toMatchObject({ updated: 2, failed: 0 });

    expect(await c.heldUses(coupon.id)).toBe(0);
    expect((await getCoupon(coupon.id)).timesUsed).toBe(0);
    const released = await t.dataSource.query<Array<{ released_at: Date | null }>>(
      'SELECT released_at FROM coupon_redemptions WHERE order_id = ANY($1::uuid[])',
      [[pending, confirmed]],
    );
    expect(released.map((r) => r.released_at instanceof Date)).toEqual([true, true]);
    const again = await checkoutWith(late.customer, coupon.code);
    expectStatus(again, 201);
    expect(again.body).toMatchObject({ discountAmount: 100, couponCode: coupon.code });
  });

  it('keeps the use of an order that moves on (only cancelling releases it)', async () => {
    const coupon = await c.coupon({ usageLimit: 1 });
    const { customer } = await shopper(1000, 1);
    const placed = await checkoutWith(customer, coupon.code);
    expectStatus(placed, 201);
    expectStatus(await b.move((placed.body as OrderView).id, { status: 'confirmed' }), 200);
    expect(await c.heldUses(coupon.id)).toBe(1);
  });

  it('keeps the discount of placed orders when staff change the coupon later', async () => {
    const coupon = await c.coupon({ discountValue: 10 });
    const { customer } = await shopper(1000, 1);
    const placed = await checkoutWith(customer, coupon.code);
    expectStatus(placed, 201);
    await t.http
      .patch(`/api/coupons/${coupon.id}`)
      .set('Authorization', b.staff.auth)
      .send({ discountValue: 90 })
      .expect(200);
    const order = await b.getOrder((placed.body as OrderView).id, customer);
    expect(order).toMatchObject({ discountAmount: 100 });
  });

  it('replays an Idempotency-Key with its coupon without using the coupon twice', async () => {
    const coupon = await c.coupon({ usageLimit: 5 });
    const { customer, product } = await shopper(1000, 2);
    const key = randomUUID();
    const first = await checkoutWith(customer, coupon.code, key);
    expectStatus(first, 201);
    const replay = await checkoutWith(customer, coupon.code, key);
    expectStatus(replay, 201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect(await c.heldUses(coupon.id)).toBe(1);
    expect(await b.stockOf(product.id)).toBe(8);
    // The coupon is part of the body the key remembers.
    expectError(await checkoutWith(customer, undefined, key), 422, 'IDEMPOTENCY_KEY_REUSED');
    const other = await c.coupon();
    expectError(await checkoutWith(customer, other.code, key), 422, 'IDEMPOTENCY_KEY_REUSED');
  });

  it('rejects a malformed couponCode with 400', async () => {
    const { customer } = await shopper(1000, 1);
    expectFieldError(await checkoutWith(customer, 'x'.repeat(51)), 'couponCode');
    expectFieldError(
      await b.checkout(customer, { shippingAddress: ADDRESS, couponCode: 42 }),
      'couponCode',
    );
  });

  describe('validateCoupon', () => {
    it('answers what checkout would charge, without using the coupon', async () => {
      const coupon = await c.coupon({ discountValue: 25, usageLimit: 1 });
      const { customer } = await shopper(2000, 2);
      for (let i = 0; i < 2; i += 1) {
        const res = await c.validate(customer, coupon.code.toLowerCase());
        expectStatus(res, 200);
        expect(res.body).toEqual({
          couponCode: coupon.code,
          subtotal: 4000,
          discountAmount: 1000,
          shippingAmount: 500,
          taxAmount: 300,
          total: 3800,
          currency: 'USD',
        });
      }
      expect(await c.heldUses(coupon.id)).toBe(0);
      const placed = await checkoutWith(customer, coupon.code);
      expectStatus(placed, 201);
      expect(placed.body).toMatchObject({ discountAmount: 1000, total: 3800 });
    });

    it('answers the same distinct errors as checkout', async () => {
      const { customer } = await shopper(2000, 1);
      expectError(await c.validate(customer, 'NO-SUCH-CODE'), 404, 'COUPON_NOT_FOUND');
      expectError(await c.validate(customer, (await c.coupon(PAST)).code), 422, 'COUPON_EXPIRED');
      expectError(
        await c.validate(customer, (await c.coupon(FUTURE)).code),
        422,
        'COUPON_NOT_YET_VALID',
      );
      expectError(
        await c.validate(customer, (await c.coupon({ minOrderAmount: 2001 })).code),
        422,
        'COUPON_MINIMUM_NOT_MET',
      );
      const usedUp = await c.coupon({ usageLimit: 1 });
      const { customer: buyer } = await shopper(1000, 1);
      expectStatus(await checkoutWith(buyer, usedUp.code), 201);
      expectError(await c.validate(customer, usedUp.code), 422, 'COUPON_USAGE_LIMIT_REACHED');
    });

    it('answers 400 EMPTY_CART for an empty cart and 400 for a missing code', async () => {
      const coupon = await c.coupon();
      const customer = await b.customer();
      expectError(await c.validate(customer, coupon.code), 400, 'EMPTY_CART');
      const res = await t.http
        .post('/api/cart/coupon/validate')
        .set('Authorization', customer.auth)
        .send({});
      expectFieldError(res, 'code');
    });

    it('is for signed-in customers only', async () => {
      const coupon = await c.coupon();
      expectError(
        await t.http.post('/api/cart/coupon/validate').send({ code: coupon.code }),
        401,
        'UNAUTHORIZED',
      );
    });
  });
});
