import { Injectable, type PipeTransform } from '@nestjs/common';
import { ValidationFailedError } from '@/common/domain-error.js';

/** A wishlist addressed by id, or `default`: the caller's default one (created on demand). */
export type WishlistRef = { default: true } | { id: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class WishlistRefPipe implements PipeTransform<string, WishlistRef> {
  transform(value: string): WishlistRef {
    if (value === 'default') return { default: true };
    if (UUID.test(value)) return { id: value.toLowerCase() };
    throw new ValidationFailedError('wishlistId must be a UUID or "default"', [
      { field: 'wishlistId', message: 'must be a UUID or "default"' },
    ]);
  }
}
