import {
  ConflictError,
  DomainError,
  type ErrorCodes,
  integerDetails,
} from '@/common/domain-error.js';
import type { CouponRejection } from './coupon-terms.js';

/**
 * No usable coupon has this code: unknown, or deactivated. One answer for both, so guessing
 * codes tells nothing about which exist.
 */
export class CouponNotFoundError extends DomainError {
  static override readonly codes = {
    COUPON_NOT_FOUND: { status: 404, description: 'No active coupon has this code' },
  } satisfies ErrorCodes;

  readonly code = 'COUPON_NOT_FOUND';
  readonly status = 404;
  constructor() {
    super('No active coupon has this code');
  }
}

export type CouponRefusal = CouponRejection | 'usage_limit_reached' | 'user_limit_reached';

const REFUSALS: Record<CouponRefusal, { code: string; message: string }> = {
  not_yet_valid: { code: 'COUPON_NOT_YET_VALID', message: 'This coupon is not valid yet' },
  expired: { code: 'COUPON_EXPIRED', message: 'This coupon has expired' },
  minimum_not_met: {
    code: 'COUPON_MINIMUM_NOT_MET',
    message: 'The cart is below the minimum order amount of this coupon',
  },
  usage_limit_reached: {
    code: 'COUPON_USAGE_LIMIT_REACHED',
    message: 'This coupon has been used up',
  },
  user_limit_reached: {
    code: 'COUPON_USER_LIMIT_REACHED',
    message: 'You have already used this coupon as often as it allows',
  },
};

/** The coupon exists but cannot apply to this cart now; `code` says why. */
export class CouponNotApplicableError extends DomainError {
  static override readonly codes = {
    COUPON_NOT_YET_VALID: { status: 422, description: 'The coupon is not valid yet' },
    COUPON_EXPIRED: { status: 422, description: 'The coupon has expired' },
    COUPON_MINIMUM_NOT_MET: {
      status: 422,
      description: 'The cart is below the minimum order amount of the coupon',
      details: integerDetails({ minOrderAmount: 5000, subtotal: 3499 }),
    },
    COUPON_USAGE_LIMIT_REACHED: { status: 422, description: 'The coupon has been used up' },
    COUPON_USER_LIMIT_REACHED: {
      status: 422,
      description: 'You have used the coupon as often as it allows',
      details: integerDetails({ perUserLimit: 1 }),
    },
  } satisfies ErrorCodes;

  readonly code: string;
  readonly status = 422;
  constructor(
    readonly reason: CouponRefusal,
    details?: unknown,
  ) {
    super(REFUSALS[reason].message, details);
    this.code = REFUSALS[reason].code;
  }
}

export class CouponCodeTakenError extends ConflictError {
  static override readonly codes = {
    COUPON_CODE_TAKEN: {
      status: 409,
      description: 'Another coupon already has this code (codes ignore case)',
    },
  } satisfies ErrorCodes;

  constructor() {
    super('Another coupon already has this code (codes ignore case)', 'COUPON_CODE_TAKEN');
  }
}
