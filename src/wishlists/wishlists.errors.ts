import { ConflictError, type ErrorCodes, integerDetails } from '@/common/domain-error.js';

export class DefaultWishlistRequiredError extends ConflictError {
  static override readonly codes = {
    DEFAULT_WISHLIST_REQUIRED: {
      status: 409,
      description: 'You always have one default wishlist: make another one the default instead',
    },
  } satisfies ErrorCodes;

  constructor() {
    super(
      'You always have one default wishlist: make another one the default instead',
      'DEFAULT_WISHLIST_REQUIRED',
    );
  }
}

export class WishlistLimitError extends ConflictError {
  static override readonly codes = {
    WISHLIST_LIMIT: {
      status: 409,
      description: 'Too many wishlists, or too many products on one',
      details: integerDetails({ max: 100 }),
    },
  } satisfies ErrorCodes;

  constructor(what: 'wishlists' | 'items', max: number) {
    super(
      what === 'wishlists'
        ? `You can keep at most ${max} wishlists`
        : `A wishlist holds at most ${max} products`,
      'WISHLIST_LIMIT',
      { max },
    );
  }
}
