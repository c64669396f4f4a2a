import { Injectable } from '@nestjs/common';
import { CartService } from '@/orders/cart.service.js';
import type { WishlistMoveResultDto } from './dto/wishlist.dto.js';
import type { WishlistRef } from './wishlist-ref.pipe.js';
import { WishlistsService } from './wishlists.service.js';

/**
 * Moves a wishlist item into the cart through the orders module's CartService, which owns the
 * cart's rules (stock, active products, line limits). The item is taken off the list first
 * (atomically, so a double click moves it once); if the cart refuses the product, the item is
 * put back where it was and the cart's error (e.g. 409 `INSUFFICIENT_STOCK`) is the answer.
 */
@Injectable()
export class WishlistCartService {
  constructor(
    private readonly wishlists: WishlistsService,
    private readonly cart: CartService,
  ) {}

  async moveToCart(
    userId: string,
    ref: WishlistRef,
    productId: string,
    quantity: number,
    variantId?: string,
  ): Promise<WishlistMoveResultDto> {
    const taken = await this.wishlists.takeItem(userId, ref, productId);
    let cart;
    try {
      cart = await this.cart.add(userId, productId, quantity, variantId);
    } catch (error) {
      await this.wishlists.restoreItem(taken.wishlistId, productId, taken.addedAt);
      throw error;
    }
    return { cart, wishlist: await this.wishlists.get(userId, { id: taken.wishlistId }) };
  }
}
