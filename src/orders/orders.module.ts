import { Global, Logger, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { GUEST_CART_CLAIM, type GuestCartClaim } from '@/accounts/auth.service.js';
import { ProfilesModule } from '@/profiles/profiles.module.js';
import { CatalogModule } from '@/catalog/catalog.module.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { CouponsModule } from '@/coupons/coupons.module.js';
import { CartItem } from './cart-item.entity.js';
import { CartController } from './cart.controller.js';
import { Cart } from './cart.entity.js';
import { CartService } from './cart.service.js';
import { CheckoutService } from './checkout.service.js';
import { GuestCartMergeService } from './guest-cart-merge.service.js';
import { IdempotencyKey } from './idempotency-key.entity.js';
import { OrderHistoryHandler } from './order-history.handler.js';
import { OrderOutboxHandler } from './order-outbox.handler.js';
import { OrderItem } from './order-item.entity.js';
import { OrderStatusHistory } from './order-status-history.entity.js';
import { OrderStatusService } from './order-status.service.js';
import { Order } from './order.entity.js';
import { OrderSubscriber } from './order.subscriber.js';
import { OrdersController } from './orders.controller.js';
import { OrdersQueryService } from './orders-query.service.js';
import { PurchaseVerificationService } from './purchase-verification.service.js';
import { FlatRateShipping, PercentageTax, SHIPPING_STRATEGY, TAX_STRATEGY } from './pricing.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([
      Cart,
      CartItem,
      Order,
      OrderItem,
      OrderStatusHistory,
      IdempotencyKey,
    ]),
    CatalogModule,
    CouponsModule,
    ProfilesModule,
  ],
  controllers: [CartController, OrdersController],
  providers: [
    CartService,
    GuestCartMergeService,
    CheckoutService,
    OrderStatusService,
    OrdersQueryService,
    PurchaseVerificationService,
    OrderSubscriber,
    OrderHistoryHandler,
    OrderOutboxHandler,
    // Small strategies so real shipping and tax providers can replace them.
    {
      provide: SHIPPING_STRATEGY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new FlatRateShipping(config.shippingFlatFee, config.freeShippingThreshold),
    },
    {
      provide: TAX_STRATEGY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new PercentageTax(config.taxRateBasisPoints),
    },
  ],
  exports: [OrdersQueryService, CartService, GuestCartMergeService, PurchaseVerificationService],
})
export class OrdersModule {}

/**
 * Lends the accounts module one narrow function, the guest-cart claim it calls after a sign-in
 * or registration that carried a cart token (accounts must not import orders). Global so that
 * only this function crosses; a failed merge is logged and never fails the sign-in.
 */
@Global()
@Module({
  imports: [OrdersModule],
  providers: [
    {
      provide: GUEST_CART_CLAIM,
      inject: [GuestCartMergeService],
      useFactory: (merge: GuestCartMergeService): GuestCartClaim => {
        const logger = new Logger('GuestCartClaim');
        return async (userId, cartToken) => {
          try {
            await merge.claim(userId, cartToken);
          } catch (error) {
            logger.error({ err: error }, 'merging a guest cart failed; the guest cart is kept');
          }
        };
      },
    },
  ],
  exports: [GUEST_CART_CLAIM],
})
export class GuestCartClaimModule {}
