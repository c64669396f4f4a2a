import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EmailVerified } from '@/accounts/events/email-verified.event.js';
import { NotFoundError } from '@/common/domain-error.js';
import { InTransaction } from '@/common/events/domain-event-bus.js';
import type { OrderDto } from './dto/order.dto.js';
import { hashOrderToken, isWellFormedOrderToken } from './guest-order-token.js';
import { OrderStatusService } from './order-status.service.js';
import { Order } from './order.entity.js';
import { OrdersQueryService } from './orders-query.service.js';

/**
 * What the holder of a guest order's token may do: read that order, cancel it as its owner
 * could, follow it live (the Socket.IO gateway asks {@link orderIdOfToken}). A token opens its
 * own order only: another order's id, an unknown or a malformed token are the same 404, so
 * nothing tells a guessed id from a guessed token. And the claim: when an account proves an
 * address (email verification), the guest orders placed with it become the account's.
 */
@Injectable()
export class GuestOrdersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly orders: OrdersQueryService,
    private readonly statuses: OrderStatusService,
  ) {}

  /** The guest orders of a verified address join its account, in the verification's transaction. */
  @InTransaction(EmailVerified)
  async claimOnVerification(event: EmailVerified, manager: EntityManager): Promise<void> {
    await this.claim(manager, event.userId, event.email);
  }

  async get(orderId: string, token: string): Promise<OrderDto> {
    const order = await this.findByToken(this.db.manager, orderId, token);
    return this.orders.payerView(order); // the guest pays it: its client secret while payable
  }

  /** Cancels as the order's owner could (pending or confirmed), with the stock back. */
  async cancel(orderId: string, token: string, note?: string): Promise<OrderDto> {
    if (!isWellFormedOrderToken(token)) throw new NotFoundError('Order');
    return this.statuses.move({ guestTokenHash: hashOrderToken(token) }, orderId, {
      to: 'cancelled',
      note,
    });
  }

  /** The order `token` opens, or `undefined` (the Socket.IO handshake). */
  async orderIdOfToken(token: string): Promise<string | undefined> {
    if (!isWellFormedOrderToken(token)) return undefined;
    const order = await this.db.manager.findOne(Order, {
      select: { id: true },
      where: { guestTokenHash: hashOrderToken(token) },
    });
    return order?.id;
  }

  /**
   * Gives the unclaimed guest orders of `email` (and their coupon uses) to the account that has
   * just proved that address, in the verification's transaction. Idempotent: a claimed order is
   * never claimed again (nor by another account that verifies the address later).
   */
  async claim(manager: EntityManager, userId: string, email: string): Promise<number> {
    const [, claimed] = await manager.query<[unknown, number]>(
      `UPDATE orders SET user_id = $1, updated_at = now()
        WHERE user_id IS NULL AND lower(guest_email) = lower($2)`,
      [userId, email],
    );
    await manager.query(
      `UPDATE coupon_redemptions SET user_id = $1
        WHERE user_id IS NULL AND lower(guest_email) = lower($2)`,
      [userId, email],
    );
    return claimed;
  }

  private async findByToken(
    manager: EntityManager,
    orderId: string,
    token: string,
  ): Promise<Order> {
    const order = isWellFormedOrderToken(token)
      ? await manager.findOne(Order, {
          where: { id: orderId, guestTokenHash: hashOrderToken(token) },
        })
      : null;
    if (!order) throw new NotFoundError('Order');
    return order;
  }
}
