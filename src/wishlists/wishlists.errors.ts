import { ConflictError } from '@/common/domain-error.js';

export class DefaultWishlistRequiredError extends ConflictError {
  constructor() {
    super(
      'You always have one default wishlist: make another one the default instead',
      'DEFAULT_WISHLIST_REQUIRED',
    );
  }
}

export class WishlistLimitError extends ConflictError {
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
