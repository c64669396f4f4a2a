import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { consumeOrThrow, createRateLimiter } from '@/common/rate-limiter.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import { InjectRedis, type RedisClient } from '@/redis/redis.module.js';
import { CartService } from './cart.service.js';
import { CheckoutService } from './checkout.service.js';
import type { GuestCheckoutDto, GuestOrderDto } from './dto/guest-checkout.dto.js';
import type { OrderDto } from './dto/order.dto.js';
import { hashOrderToken, orderTokenOf } from './guest-order-token.js';
import { claimKey, type IdempotencyScope, requestHash, storeAnswer } from './idempotency.js';
import { EmptyCartError } from './orders.errors.js';

export interface GuestCheckoutResult {
  order: GuestOrderDto;
  /** The answer repeats an earlier request's (same cart and Idempotency-Key). */
  replayed: boolean;
}

/**
 * A guest's checkout: the signed-in checkout's path (CheckoutService.placeOrder: same locks,
 * stock, prices, coupons), for the guest cart of a cart token, with a contact address and an
 * order token instead of an account. The guest cart's row is locked first (the statement that
 * finds it), then the Idempotency-Key is claimed per cart, so concurrent retries of one checkout
 * queue on the cart and the later ones replay the first's answer. Checkouts are counted per
 * client address (`GUEST_CHECKOUT_RATE_LIMIT` a minute), replays included: a guest has no
 * account whose budget could be spent instead, and each attempt may try a coupon code.
 */
@Injectable()
export class GuestCheckoutService {
  private readonly perClient: RateLimiterAbstract | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly checkout: CheckoutService,
    @InjectConfig() config: AppConfig,
    @InjectRedis() redis: RedisClient | null,
  ) {
    this.perClient =
      config.guestCheckoutRateLimit > 0
        ? createRateLimiter('guest-checkout', config.guestCheckoutRateLimit, redis)
        : undefined;
  }

  async checkoutGuestCart(
    cartToken: string | undefined,
    clientIp: string,
    dto: GuestCheckoutDto,
    idempotencyKey?: string,
  ): Promise<GuestCheckoutResult> {
    if (this.perClient) await consumeOrThrow(this.perClient, clientIp);
    // No cart token, or one of no live cart: there is nothing to order.
    if (!cartToken) throw new EmptyCartError();
    const hash = idempotencyKey ? requestHash(dto) : '';
    const { order, replayed } = await withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        const cartId = await this.carts.lockGuestCart(manager, cartToken);
        if (!cartId) throw new EmptyCartError();
        const scope: IdempotencyScope = { table: 'guest_idempotency_keys', owner: cartId };
        if (idempotencyKey) {
          const replay = await claimKey<OrderDto>(manager, scope, idempotencyKey, hash);
          if (replay) return { order: replay, replayed: true };
        }
        const orderId = randomUUID();
        const placed = await this.checkout.placeOrder(
          manager,
          {
            kind: 'guest',
            cartId,
            email: dto.email,
            orderId,
            tokenHash: hashOrderToken(orderTokenOf(cartToken, orderId)),
          },
          dto,
        );
        // The stored answer has no token: a replay computes it again from the cart token.
        if (idempotencyKey) await storeAnswer(manager, scope, idempotencyKey, placed);
        return { order: placed, replayed: false };
      }),
    );
    const paid = await this.checkout.withPayment(order); // after commit, as signed-in checkout
    return { order: { ...paid, guestToken: orderTokenOf(cartToken, order.id) }, replayed };
  }
}
