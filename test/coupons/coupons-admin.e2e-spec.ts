import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import {
  expectError,
  expectFieldError,
  expectStatus,
  ISO_DATE,
  UUID,
} from '../orders/order-expect.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { couponBuilders, type CouponBuilders, type CouponView } from './coupon-builders.js';

describe('coupons (staff)', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let c: CouponBuilders;
  let customer: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
    c = couponBuilders(t, b);
    customer = await b.customer();
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (user: TestUser) => ({ Authorization: user.auth });

  it('creates a percentage coupon with every term', async () => {
    const code = c.code();
    const res = await c.create({
      code,
      description: 'Spring sale',
      discountType: 'percentage',
      discountValue: 25,
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2036-01-01T00:00:00.000Z',
      minOrderAmount: 5000,
      maxDiscountAmount: 2000,
      usageLimit: 100,
      perUserLimit: 1,
    });
    expectStatus(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      code,
      description: 'Spring sale',
      discountType: 'percentage',
      discountValue: 25,
      currency: 'USD',
      startsAt: '2026-01-01T00:00:00.000Z',
      endsAt: '2036-01-01T00:00:00.000Z',
      minOrderAmount: 5000,
      maxDiscountAmount: 2000,
      usageLimit: 100,
      perUserLimit: 1,
      timesUsed: 0,
      isActive: true,
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
  });

  it('creates a fixed coupon with no limits by default', async () => {
    const coupon = await c.coupon({ discountType: 'fixed', discountValue: 1500 });
    expect(coupon).toMatchObject({
      discountType: 'fixed',
      discountValue: 1500,
      startsAt: null,
      endsAt: null,
      minOrderAmount: null,
      maxDiscountAmount: null,
      usageLimit: null,
      perUserLimit: null,
      isActive: true,
    });
  });

  it('refuses a code that differs from an existing one only in case', async () => {
    const coupon = await c.coupon();
    const res = await c.create({
      code: coupon.code.toLowerCase(),
      discountType: 'fixed',
      discountValue: 100,
    });
    expectError(res, 409, 'COUPON_CODE_TAKEN');
  });

  it('rejects a percentage over 100 and a window that ends before it starts', async () => {
    expectFieldError(
      await c.create({ code: c.code(), discountType: 'percentage', discountValue: 101 }),
      'discountValue',
    );
    expectFieldError(
      await c.create({
        code: c.code(),
        discountType: 'fixed',
        discountValue: 100,
        startsAt: '2030-01-02T00:00:00Z',
        endsAt: '2030-01-01T00:00:00Z',
      }),
      'endsAt',
    );
  });

  it('rejects bad fields, unknown fields and malformed codes with 400', async () => {
    const base = { code: c.code(), discountType: 'fixed', discountValue: 100 };
    expectFieldError(await c.create({ ...base, code: 'a b' }), 'code');
    expectFieldError(await c.create({ ...base, code: 'ab' }), 'code');
    expectFieldError(await c.create({ ...base, discountType: 'bogo' }), 'discountType');
    expectFieldError(await c.create({ ...base, discountValue: 0 }), 'discountValue');
    expectFieldError(await c.create({ ...base, discountValue: 1.5 }), 'discountValue');
    expectFieldError(await c.create({ ...base, usageLimit: 0 }), 'usageLimit');
    expectFieldError(await c.create({ ...base, endsAt: 'tomorrow' }), 'endsAt');
    expectFieldError(await c.create({ ...base, isActive: null }), 'isActive');
    expectFieldError(await c.create({ ...base, usedCount: 0 }), 'usedCount');
  });

  it('lists coupons newest first, paged, filtered by part of the code and by state', async () => {
    const tag = c.code();
    const first = await c.coupon({ code: `${tag}-A` });
    const second = await c.coupon({ code: `${tag}-B`, isActive: false });
    const res = await t.http
      .get('/api/coupons')
      .query({ q: tag.toLowerCase(), pageSize: 10 })
      .set(as(b.staff));
    expectStatus(res, 200);
    expect(res.body).toEqual({
      items: [
        expect.objectContaining({ id: second.id }),
        expect.objectContaining({ id: first.id }),
      ],
      page: 1,
      pageSize: 10,
      total: 2,
      totalPages: 1,
    });
    const active = await t.http
      .get('/api/coupons')
      .query({ q: tag, active: true })
      .set(as(b.staff));
    expect((active.body as { items: CouponView[] }).items.map((i) => i.id)).toEqual([first.id]);
    expectFieldError(
      await t.http.get('/api/coupons').query({ active: 'yes' }).set(as(b.staff)),
      'active',
    );
  });

  it('treats LIKE wildcards in q literally', async () => {
    const res = await t.http.get('/api/coupons').query({ q: '%' }).set(as(b.staff));
    expectStatus(res, 200);
    expect((res.body as { total: number }).total).toBe(0);
  });

  it('updates terms, and clears a limit with null', async () => {
    const coupon = await c.coupon({ usageLimit: 5, minOrderAmount: 100 });
    const res = await t.http
      .patch(`/api/coupons/${coupon.id}`)
      .set(as(b.staff))
      .send({ usageLimit: null, discountValue: 30, description: 'now 30 %' });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({
      id: coupon.id,
      code: coupon.code,
      usageLimit: null,
      minOrderAmount: 100,
      discountValue: 30,
      description: 'now 30 %',
    });
    const got = await t.http.get(`/api/coupons/${coupon.id}`).set(as(b.staff));
    expect(got.body).toEqual(res.body);
  });

  it('checks updated terms as a whole and keeps codes unique', async () => {
    const fixed = await c.coupon({ discountType: 'fixed', discountValue: 500 });
    const other = await c.coupon();
    expectFieldError(
      await t.http
        .patch(`/api/coupons/${fixed.id}`)
        .set(as(b.staff))
        .send({ discountType: 'percentage' }),
      'discountValue',
    );
    expectError(
      await t.http
        .patch(`/api/coupons/${fixed.id}`)
        .set(as(b.staff))
        .send({ code: other.code.toLowerCase() }),
      409,
      'COUPON_CODE_TAKEN',
    );
    expectFieldError(
      await t.http.patch(`/api/coupons/${fixed.id}`).set(as(b.staff)).send({ code: null }),
      'code',
    );
  });

  it('deactivates a coupon, idempotently', async () => {
    const coupon = await c.coupon();
    for (let i = 0; i < 2; i += 1) {
      const res = await t.http.post(`/api/coupons/${coupon.id}/deactivate`).set(as(b.staff));
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ id: coupon.id, isActive: false });
    }
  });

  it('answers 404 for an unknown coupon id and 400 for a malformed one', async () => {
    expectError(
      await t.http.get(`/api/coupons/${randomUUID()}`).set(as(b.staff)),
      404,
      'NOT_FOUND',
    );
    expectError(
      await t.http.post(`/api/coupons/${randomUUID()}/deactivate`).set(as(b.staff)),
      404,
      'NOT_FOUND',
    );
    expectError(await t.http.get('/api/coupons/nope').set(as(b.staff)), 400, 'BAD_REQUEST');
  });

  it('never lists or shows coupons to customers or anonymous callers', async () => {
    const coupon = await c.coupon();
    expectError(await t.http.get('/api/coupons').set(as(customer)), 403, 'FORBIDDEN');
    expectError(await t.http.get('/api/coupons'), 401, 'UNAUTHORIZED');
    expectError(await t.http.get(`/api/coupons/${coupon.id}`).set(as(customer)), 403, 'FORBIDDEN');
  });

  it('lets only staff create, update and deactivate coupons', async () => {
    const coupon = await c.coupon();
    expectError(
      await c.create({ code: c.code(), discountType: 'fixed', discountValue: 1 }, customer),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.http
        .patch(`/api/coupons/${coupon.id}`)
        .set(as(customer))
        .send({ discountValue: 100 }),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.http.post(`/api/coupons/${coupon.id}/deactivate`).set(as(customer)),
      403,
      'FORBIDDEN',
    );
    const [row] = await t.dataSource.query<Array<{ discount_value: number; is_active: boolean }>>(
      'SELECT discount_value, is_active FROM coupons WHERE id = $1',
      [coupon.id],
    );
    expect(row).toEqual({ discount_value: 10, is_active: true });
  });
});
