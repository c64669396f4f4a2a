import { describe, expect, it } from '@jest/globals';
import { checkCoupon, type CouponTerms, discountFor, termsProblems } from './coupon-terms.js';

const terms = (over: Partial<CouponTerms> = {}): CouponTerms => ({
  discountType: 'percentage',
  discountValue: 10,
  startsAt: null,
  endsAt: null,
  minOrderAmount: null,
  maxDiscountAmount: null,
  ...over,
});
const now = new Date('2026-06-01T12:00:00Z');

describe('discountFor', () => {
  it('takes a percentage rounded half up to the minor unit', () => {
    expect(discountFor(terms({ discountValue: 10 }), 12_345)).toBe(1_235); // 1234.5 → 1235
    expect(discountFor(terms({ discountValue: 10 }), 12_344)).toBe(1_234); // 1234.4 → 1234
    expect(discountFor(terms({ discountValue: 15 }), 999)).toBe(150); // 149.85 → 150
  });

  it('caps a percentage at the maximum discount', () => {
    expect(discountFor(terms({ discountValue: 50, maxDiscountAmount: 2_000 }), 10_000)).toBe(2_000);
  });

  it('never takes more than the subtotal', () => {
    expect(discountFor(terms({ discountType: 'fixed', discountValue: 50_000 }), 9_150)).toBe(9_150);
    expect(discountFor(terms({ discountValue: 100 }), 4_321)).toBe(4_321);
    expect(discountFor(terms({ discountType: 'fixed', discountValue: 500 }), 0)).toBe(0);
  });

  it('takes a fixed amount as is when the subtotal covers it', () => {
    expect(discountFor(terms({ discountType: 'fixed', discountValue: 500 }), 9_150)).toBe(500);
  });

  it('caps a fixed amount at the maximum discount too', () => {
    const fixed = terms({ discountType: 'fixed', discountValue: 800, maxDiscountAmount: 300 });
    expect(discountFor(fixed, 9_150)).toBe(300);
  });
});

describe('checkCoupon', () => {
  it('applies inside the window, from startsAt inclusive to endsAt exclusive', () => {
    const window = terms({ startsAt: now, endsAt: new Date(now.getTime() + 1) });
    expect(checkCoupon(window, 1_000, now)).toEqual({ ok: true, discount: 100 });
    expect(checkCoupon(window, 1_000, new Date(now.getTime() + 1))).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses before the window opens', () => {
    const later = terms({ startsAt: new Date(now.getTime() + 60_000) });
    expect(checkCoupon(later, 1_000, now)).toEqual({ ok: false, reason: 'not_yet_valid' });
  });

  it('refuses a subtotal under the minimum order amount, and accepts it exactly', () => {
    const minimum = terms({ minOrderAmount: 5_000 });
    expect(checkCoupon(minimum, 4_999, now)).toEqual({ ok: false, reason: 'minimum_not_met' });
    expect(checkCoupon(minimum, 5_000, now)).toEqual({ ok: true, discount: 500 });
  });
});

describe('termsProblems', () => {
  it('rejects a percentage over 100 and a window that ends before it starts', () => {
    expect(
      termsProblems(terms({ discountValue: 101, startsAt: now, endsAt: new Date(now.getTime()) })),
    ).toEqual([
      { field: 'discountValue', message: 'a percentage is at most 100' },
      { field: 'endsAt', message: 'must be later than startsAt' },
    ]);
  });

  it('accepts a fixed amount over 100 and open windows', () => {
    expect(termsProblems(terms({ discountType: 'fixed', discountValue: 5_000 }))).toEqual([]);
  });
});
