import { Global, Logger, Module } from '@nestjs/common';
import { GUEST_CART_CLAIM, type GuestCartClaim } from '@/accounts/auth.service.js';
import { GuestCartMergeService } from './guest-cart-merge.service.js';
import { OrdersModule } from './orders.module.js';

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
