import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { InTransaction } from '@/common/events/domain-event-bus.js';
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
 * Applying coupons to carts and orders: the one narrow service other modules use. At checkout
 * a coupon with a limit (total or per customer) has its row locked (`FOR NO KEY UPDATE`) and its
 * uses counted by a later statement, so concurrent checkouts see each other's committed uses
 * and the limits hold. A coupon without limits is not locked: a promotion's checkouts run side
 * by side (only the foreign key of the use row key-share locks it, which blocks no checkout and
 * no staff edit). A limit added by staff while checkouts of an unlimited coupon run binds the
 * checkouts that read the coupon after the change; the few already past that read complete
 * without it, and their uses count towards it once committed. The use is a row of its own
 * (unique per coupon and order). Cancelling an order releases its use, in the cancellation's
 * transaction.
 */
@Injectable()
export class CouponRedemptionsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * What `code` takes off a cart of `subtotal` for `userId`, without using it (a preview: the
   * checkout decides under the lock).
   */
  quote(code: string, customer: CouponCustomer, subtotal: number): Promise<AppliedCoupon> {
    return this.apply(this.db.manager, code, customer, subtotal, false);
  }

  /**
   * Applies `code` inside the checkout transaction of `manager`: a coupon with a limit is locked
   * until the transaction ends (see the class comment); checks the window, the minimum and both
   * usage limits. Call {@link recordUse} with the order once it exists, in the same transaction.
   */
  applyForCheckout(
    manager: EntityManager,
    code: string,
    customer: CouponCustomer,
    subtotal: number,
  ): Promise<AppliedCoupon> {
    return this.apply(manager, code, customer, subtotal, true);
  }

  async recordUse(
    manager: EntityManager,
    applied: AppliedCoupon,
    orderId: string,
    customer: CouponCustomer,
  ): Promise<void> {
    await manager.insert(CouponRedemption, {
      couponId: applied.couponId,
      orderId,
      userId: customer.userId,
      guestEmail: customer.userId === null ? customer.email : null,
      discountAmount: applied.discountAmount,
      releasedAt: null,
    });
  }

  private async apply(
    manager: EntityManager,
    code: string,
    customer: CouponCustomer,
    subtotal: number,
    lock: boolean,
  ): Promise<AppliedCoupon> {
    const query = () =>
      manager.createQueryBuilder(Coupon, 'c').where('lower(c.code) = lower(:code)', { code });
    let coupon = await query().getOne();
    // Read again under the lock: the terms and limits that count are the newest ones.
    if (lock && coupon && hasLimit(coupon))
      coupon = await query().setLock('for_no_key_update').getOne();
    if (!coupon?.isActive) throw new CouponNotFoundError();
    const check = checkCoupon(coupon, subtotal, new Date());
    if (!check.ok) {
      throw new CouponNotApplicableError(
        check.reason,
        check.reason === 'minimum_not_met'
          ? { minOrderAmount: coupon.minOrderAmount, subtotal }
          : undefined,
      );
    }
    if (hasLimit(coupon)) {
      // A statement after the lock: under READ COMMITTED it sees every use committed before.
      // "Mine": the account's uses and the guest uses of its address (see CouponCustomer).
      const [uses] = await manager.query<Array<{ total: number; mine: number }>>(
        `SELECT count(*)::int AS total,
                count(*) FILTER (WHERE user_id = coalesce($2::uuid,
                                   (SELECT u.id FROM users u WHERE lower(u.email) = lower($3)))
                                 OR lower(guest_email) = lower($3))::int AS mine
           FROM coupon_redemptions WHERE coupon_id = $1 AND released_at IS NULL`,
        [coupon.id, customer.userId, customer.email],
      );
      if (coupon.usageLimit !== null && (uses?.total ?? 0) >= coupon.usageLimit)
        throw new CouponNotApplicableError('usage_limit_reached');
      if (coupon.perUserLimit !== null && (uses?.mine ?? 0) >= coupon.perUserLimit)
        throw new CouponNotApplicableError('user_limit_reached', {
          perUserLimit: coupon.perUserLimit,
        });
    }
    return { couponId: coupon.id, code: coupon.code, discountAmount: check.discount };
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

const hasLimit = (coupon: Coupon): boolean =>
  coupon.usageLimit !== null || coupon.perUserLimit !== null;
