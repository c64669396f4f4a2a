import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@/catalog/index.js';
import { OrdersModule } from '@/orders/orders.module.js';
import { SharedWishlistsController } from './shared-wishlists.controller.js';
import { WishlistCartService } from './wishlist-cart.service.js';
import { WishlistItem } from './wishlist-item.entity.js';
import { Wishlist } from './wishlist.entity.js';
import { WishlistsController } from './wishlists.controller.js';
import { WishlistsService } from './wishlists.service.js';

/** Named wishlists per user, a default one, share links, and moving items to the cart. */
@Module({
  imports: [TypeOrmModule.forFeature([Wishlist, WishlistItem]), CatalogModule, OrdersModule],
  controllers: [WishlistsController, SharedWishlistsController],
  providers: [WishlistsService, WishlistCartService],
})
export class WishlistsModule {}
