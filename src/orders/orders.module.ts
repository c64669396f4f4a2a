import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ProfilesModule } from '@/profiles/profiles.module.js';
import { CatalogModule } from '@/catalog/index.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { CouponsModule } from '@/coupons/coupons.module.js';
import { PaymentsCoreModule } from '@/payments/payments-core.module.js';
import { CartItem } from './cart-item.entity.js';
import { CartController } from './cart.controller.js';
import { Cart } from './cart.entity.js';
import { CartService } from './cart.service.js';
import { CheckoutService } from './checkout.service.js';
import { GuestCartMergeService } from './guest-cart-merge.service.js';
import { GuestIdempotencyKey, IdempotencyKey } from './idempotency-key.entity.js';
import { GuestCheckoutService } from './guest-checkout.service.js';
import { GuestOrdersService } from './guest-orders.service.js';
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
      GuestIdempotencyKey,
    ]),
    CatalogModule,
    CouponsModule,
    ProfilesModule,
    PaymentsCoreModule,
  ],
  controllers: [CartController, OrdersController],
  providers: [
    CartService,
    GuestCartMergeService,
    CheckoutService,
    GuestCheckoutService,
    GuestOrdersService,
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
  exports: [
    OrdersQueryService,
    OrderStatusService,
    CartService,
    GuestCartMergeService,
    PurchaseVerificationService,
    GuestOrdersService,
  ],
})
export class OrdersModule {}
