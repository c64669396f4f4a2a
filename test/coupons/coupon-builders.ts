import type { Response } from 'supertest';
import { type OrderBuilders, uniqueWord } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import type { TestApp, TestUser } from '../support/test-app.js';

export interface CouponView {
  id: string;
  code: string;
  description: string | null;
  discountType: 'percentage' | 'fixed';
  discountValue: number;
  currency: string;
  startsAt: string | null;
  endsAt: string | null;
  minOrderAmount: number | null;
  maxDiscountAmount: number | null;
  usageLimit: number | null;
  perUserLimit: number | null;
  timesUsed: number;
  isActive: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface CouponQuoteView {
  couponCode: string;
  subtotal: number;
  discountAmount: number;
  shippingAmount: number;
  taxAmount: number;
  total: number;
  currency: string;
}

export interface CouponBuilders {
  /** A unique code of the test's own. */
  code(): string;
  /** POST /api/coupons as staff (10 % off unless the body says otherwise); expects 201. */
  coupon(body?: Record<string, unknown>): Promise<CouponView>;
  /** POST /api/coupons as `actor` (staff unless given); the raw response. */
  create(body: Record<string, unknown>, actor?: TestUser): Promise<Response>;
  /** POST /api/cart/coupon/validate as `user`. */
  validate(user: TestUser, code: string): Promise<Response>;
  /** Uses held by orders, as the database has them (released ones excluded). */
  heldUses(couponId: string): Promise<number>;
}

export function couponBuilders(t: TestApp, b: OrderBuilders): CouponBuilders {
  const c: CouponBuilders = {
    code: () => `T-${uniqueWord(10).toUpperCase()}`,
    create: (body, actor = b.staff) =>
      t.http
        .post('/api/coupons')
        .set('Authorization', actor.auth)
        .send(body)
        .then((r) => r),
    async coupon(body = {}) {
      const res = await c.create({
        code: c.code(),
        discountType: 'percentage',
        discountValue: 10,
        ...body,
      });
      expectStatus(res, 201);
      return res.body as CouponView;
    },
    validate: (user, code) =>
      t.http
        .post('/api/cart/coupon/validate')
        .set('Authorization', user.auth)
        .send({ code })
        .then((r) => r),
    async heldUses(couponId) {
      const [row] = await t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM coupon_redemptions WHERE coupon_id = $1 AND released_at IS NULL`,
        [couponId],
      );
      return row?.n ?? 0;
    },
  };
  return c;
}
