import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { InTransaction } from '@/common/events/domain-event-bus.js';
import { RetryTransaction } from '@/database/transaction-retry.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import { checkCoupon } from './coupon-terms.js';
import { Coupon } from './coupon.entity.js';
import { CouponRedemption } from './coupon-redemption.entity.js';
import { CouponNotApplicableError, CouponNotFoundError } from './coupons.errors.js';

/** A coupon that applies to a cart: what an order records of it. */
export interface AppliedCoupon {
  couponId: string;
  /** The code as staff wrote it (the customer may have typed another case). */
  code: string;
  /** Minor units, never more than the subtotal. */
  discountAmount: number;
  /** The cart's subtotal the coupon was checked against (checked again under the lock). */
  subtotal: number;
  /** Whether a usage limit (total or per customer) must be checked under the coupon's lock. */
  limited: boolean;
}

/**
 * Who a coupon is used by: an account (`userId`, its address in `email`), or a guest
 * (`userId: null`, the checkout's contact address). Per-customer limits count both by address:
 * a guest's uses count for the account with that address and the other way round.
 */
export interface CouponCustomer {
  userId: string | null;
  email: string;
}

/**
 * Applying coupons to carts and orders: the one narrow service other modules use.
 *
 * At checkout, `applyForCheckout` reads the coupon and checks its terms without a lock, and the
 * checkout prices the order with that discount; `recordUse`, the last write before the
 * checkout's answer is stored, then records the use. A coupon with a limit (total or per
 * customer) has its row locked there (`FOR NO KEY UPDATE`), its terms read again (a change since
 * the first read refuses the coupon, or, when it still applies with another discount, retries the
 * whole checkout, which prices it anew) and its uses counted by a later statement, so concurrent
 * checkouts see each other's committed uses and the limits hold. The lock is taken last so that it
 * is held for the few statements left before commit, not for the whole checkout: checkouts of one
 * limited coupon run one after the other only there (see bench/README.md). Every checkout still
 * takes its locks in one order (cart, products by id, then the coupon), so none deadlock.
 *
 * A coupon without limits is not locked: a promotion's checkouts run side by side (only the
 * foreign key of the use row key-share locks it, which blocks no checkout and no staff edit). A
 * limit added by staff while checkouts of an unlimited coupon run binds the checkouts that read
 * the coupon after the change; the few already past that read complete without it, and their uses
 * count towards it once committed. The use is a row of its own (unique per coupon and order).
 * Cancelling an order releases its use, in the cancellation's transaction.
 */
@Injectable()
export class CouponRedemptionsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * What `code` takes off a cart of `subtotal` for `userId`, without using it (a preview: the
   * checkout decides under the lock).
   */
  async quote(code: string, customer: CouponCustomer, subtotal: number): Promise<AppliedCoupon> {
    const applied = this.applied(await this.find(this.db.manager, code), subtotal);
    if (applied.limited) await this.assertUsesLeft(this.db.manager, applied.couponId, customer);
    return applied;
  }

  /**
   * Applies `code` inside the checkout transaction of `manager`: checks the coupon's window and
   * minimum, without a lock. Call {@link recordUse} once the order exists, in the same
   * transaction: that is where the usage limits are checked (see the class comment).
   */
  async applyForCheckout(
    manager: EntityManager,
    code: string,
    subtotal: number,
  ): Promise<AppliedCoupon> {
    return this.applied(await this.find(manager, code), subtotal);
  }

  /**
   * Records the use of `applied` by the order `orderId`. A limited coupon is locked first, its
   * terms checked again and its uses counted (see the class comment): this may refuse the coupon
   * (422, the whole checkout rolls back) or ask for the checkout to be retried.
   */
  async recordUse(
    manager: EntityManager,
    applied: AppliedCoupon,
    orderId: string,
    customer: CouponCustomer,
  ): Promise<void> {
    if (applied.limited) {
      const current = this.applied(await this.find(manager, applied.code, true), applied.subtotal);
      if (current.discountAmount !== applied.discountAmount)
        throw new RetryTransaction('the coupon changed during checkout');
      await this.assertUsesLeft(manager, applied.couponId, customer);
    }
    await manager.insert(CouponRedemption, {
      couponId: applied.couponId,
      orderId,
      userId: customer.userId,
      guestEmail: customer.userId === null ? customer.email : null,
      discountAmount: applied.discountAmount,
      releasedAt: null,
    });
  }

  /** The active coupon `code` (any case), locked when asked; 404 when there is none. */
  private async find(manager: EntityManager, code: string, lock = false): Promise<Coupon> {
    const query = manager
      .createQueryBuilder(Coupon, 'c')
      .where('lower(c.code) = lower(:code)', { code });
    const coupon = await (lock ? query.setLock('for_no_key_update') : query).getOne();
    if (!coupon?.isActive) throw new CouponNotFoundError();
    return coupon;
  }

  /** `coupon` applied to a cart of `subtotal`, or 422 with the reason it does not apply. */
  private applied(coupon: Coupon, subtotal: number): AppliedCoupon {
    const check = checkCoupon(coupon, subtotal, new Date());
    if (!check.ok) {
      throw new CouponNotApplicableError(
        check.reason,
        check.reason === 'minimum_not_met'
          ? { minOrderAmount: coupon.minOrderAmount, subtotal }
          : undefined,
      );
    }
    return {
      couponId: coupon.id,
      code: coupon.code,
      discountAmount: check.discount,
      subtotal,
      limited: coupon.usageLimit !== null || coupon.perUserLimit !== null,
    };
  }

  /**
   * Both usage limits of `couponId` (422 once reached). Under the coupon's lock, a statement after
   * it: under READ COMMITTED it sees every use committed before. "Mine": the account's uses and
   * the guest uses of its address (see CouponCustomer).
   */
  private async assertUsesLeft(
    manager: EntityManager,
    couponId: string,
    customer: CouponCustomer,
  ): Promise<void> {
    const [row] = await manager.query<
      Array<{
        total: number;
        mine: number;
        usage_limit: number | null;
        per_user_limit: number | null;
      }>
    >(
      `SELECT count(r.*)::int AS total,
              count(r.*) FILTER (WHERE r.user_id = coalesce($2::uuid,
                                   (SELECT u.id FROM users u WHERE lower(u.email) = lower($3)))
                                 OR lower(r.guest_email) = lower($3))::int AS mine,
              c.usage_limit, c.per_user_limit
         FROM coupons c
         LEFT JOIN coupon_redemptions r ON r.coupon_id = c.id AND r.released_at IS NULL
        WHERE c.id = $1
        GROUP BY c.id`,
      [couponId, customer.userId, customer.email],
    );
    if (row && row.usage_limit !== null && row.total >= row.usage_limit)
      throw new CouponNotApplicableError('usage_limit_reached');
    if (row && row.per_user_limit !== null && row.mine >= row.per_user_limit)
      throw new CouponNotApplicableError('user_limit_reached', {
        perUserLimit: row.per_user_limit,
      });
  }

  /** A cancelled order gives its coupon use back (idempotent: only a held use is released). */
  @InTransaction(OrderStatusChanged)
  async releaseOnCancellation(event: OrderStatusChanged, manager: EntityManager): Promise<void> {
    if (event.newStatus !== 'cancelled') return;
    await manager.query(
      `UPDATE coupon_redemptions SET released_at = now() WHERE order_id = $1 AND released_at IS NULL`,
      [event.orderId],
    );
  }
}
