import type { DiscountType } from './coupon.entity.js';

/** What decides whether a coupon applies to a cart and how much it takes off. */
export interface CouponTerms {
  discountType: DiscountType;
  /** A whole percent (1–100) or minor units. */
  discountValue: number;
  startsAt: Date | null;
  endsAt: Date | null;
  minOrderAmount: number | null;
  maxDiscountAmount: number | null;
}

export type CouponRejection = 'not_yet_valid' | 'expired' | 'minimum_not_met';

export type CouponCheck = { ok: true; discount: number } | { ok: false; reason: CouponRejection };

/**
 * The discount on `subtotal` (minor units): a percentage rounded half up to the minor unit, or
 * the fixed amount; then capped by the coupon's maximum and, always, by the subtotal itself.
 */
export function discountFor(terms: CouponTerms, subtotal: number): number {
  const raw =
    terms.discountType === 'percentage'
      ? Math.floor((subtotal * terms.discountValue + 50) / 100)
      : terms.discountValue;
  const capped = terms.maxDiscountAmount === null ? raw : Math.min(raw, terms.maxDiscountAmount);
  return Math.max(0, Math.min(capped, subtotal));
}

/**
 * Whether the coupon applies at `now` to a cart of `subtotal`, and its discount. The window is
 * half-open: valid from `startsAt` (inclusive) until `endsAt` (exclusive). Usage limits are
 * counted by the caller under the coupon's row lock.
 */
export function checkCoupon(terms: CouponTerms, subtotal: number, now: Date): CouponCheck {
  if (terms.startsAt && now < terms.startsAt) return { ok: false, reason: 'not_yet_valid' };
  if (terms.endsAt && now >= terms.endsAt) return { ok: false, reason: 'expired' };
  if (terms.minOrderAmount !== null && subtotal < terms.minOrderAmount)
    return { ok: false, reason: 'minimum_not_met' };
  return { ok: true, discount: discountFor(terms, subtotal) };
}

/** Problems with a coupon's terms as a whole (the DTOs check each field alone). */
export function termsProblems(terms: CouponTerms): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (terms.discountType === 'percentage' && terms.discountValue > 100)
    problems.push({ field: 'discountValue', message: 'a percentage is at most 100' });
  if (terms.startsAt && terms.endsAt && terms.endsAt <= terms.startsAt)
    problems.push({ field: 'endsAt', message: 'must be later than startsAt' });
  return problems;
}
