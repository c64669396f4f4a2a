import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CouponRedemption } from './coupon-redemption.entity.js';
import { CouponRedemptionsService } from './coupon-redemptions.service.js';
import { Coupon } from './coupon.entity.js';
import { CouponsController } from './coupons.controller.js';
import { CouponsService } from './coupons.service.js';

/**
 * Coupons: staff management, and the narrow {@link CouponRedemptionsService} the orders module
 * applies at checkout. Releasing a cancelled order's use subscribes to `OrderStatusChanged`.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Coupon, CouponRedemption])],
  controllers: [CouponsController],
  providers: [CouponsService, CouponRedemptionsService],
  exports: [CouponRedemptionsService],
})
export class CouponsModule {}
