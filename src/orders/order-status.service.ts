import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { StockService } from '@/catalog/index.js';
import { type AuthUser, isStaff } from '@/common/auth.js';
import { DomainError, found } from '@/common/domain-error.js';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import type { BulkOrderStatusResultDto } from './dto/admin-orders.dto.js';
import type { OrderDto } from './dto/order.dto.js';
import { OrderItem } from './order-item.entity.js';
import {
  checkMove,
  type Mover,
  type OrderStatus,
  type PaymentStatus,
  paymentStatusAfter,
  restoresStock,
} from './order-state-machine.js';
import { OrderStatusHistory } from './order-status-history.entity.js';
import { Order } from './order.entity.js';
import {
  IllegalOrderTransitionError,
  OrderChangedConcurrentlyError,
  OrderTransitionForbiddenError,
} from './orders.errors.js';
import { OrdersQueryService } from './orders-query.service.js';

/**
 * Who moves an order: a signed-in user (staff, or the owner), or the holder of a guest order's
 * token (by its SHA-256), who has the owner's rights on that order only.
 */
export type OrderMover = AuthUser | { guestTokenHash: string };

/** Who moves an order, as a move reads it: a person, a guest's token, or the shop itself. */
interface MoveActor {
  mover: Mover;
  /** Recorded in the history; `null` for the system and for a guest. */
  userId: string | null;
  /** Set for an owner: only their own orders are found. */
  ownerId?: string;
  /** Set for a guest: only the order with this token's hash is found. */
  guestTokenHash?: string;
}

const actorOf = (actor: OrderMover): MoveActor =>
  'guestTokenHash' in actor
    ? { mover: 'owner', userId: null, guestTokenHash: actor.guestTokenHash }
    : isStaff(actor)
      ? { mover: 'staff', userId: actor.id }
      : { mover: 'owner', userId: actor.id, ownerId: actor.id };

/** The shop acting by itself: staff's rights, no user in the history. */
const SYSTEM: MoveActor = { mover: 'staff', userId: null };

export interface StatusChange {
  to: OrderStatus;
  note?: string;
  trackingNumber?: string;
}

/**
 * Moves orders through the state machine. The move is checked against the status read, then
 * applied only if nobody changed the order meanwhile (version check: a concurrent conflicting
 * change is a 409, never a lost update). Saving the order raises `OrderStatusChanged` through
 * the entity subscriber; a cancellation gives the stock back in the same transaction.
 */
@Injectable()
export class OrderStatusService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stock: StockService,
    private readonly orders: OrdersQueryService,
    private readonly events: DomainEventBus,
  ) {}

  async move(actor: OrderMover, orderId: string, change: StatusChange): Promise<OrderDto> {
    return withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        const order = await this.apply(manager, actorOf(actor), orderId, change);
        return this.orders.get(order.id, manager);
      }),
    );
  }

  /**
   * Moves each order as {@link move} does — same state machine, same version check, same
   * history, notification and stock side effects — each in a transaction of its own, one after
   * the other, in the order given. A refused order (unknown, illegal or same-status move,
   * changed concurrently) is reported with the error the single change would have answered and
   * does not stop the others: staff act on a selection of independent orders, and one of them
   * having moved on meanwhile must not block the rest (docs/api/orders-admin.md argues this).
   * Anything else (the database gone) propagates: the orders already moved stay moved, and a
   * retry of the whole request reports them as `ORDER_ALREADY_IN_STATUS`.
   */
  async moveMany(
    actor: AuthUser,
    orderIds: readonly string[],
    change: StatusChange,
  ): Promise<BulkOrderStatusResultDto[]> {
    const results: BulkOrderStatusResultDto[] = [];
    for (const orderId of orderIds) {
      try {
        const order = await withTransactionRetry(() =>
          this.db.transaction((manager) => this.apply(manager, actorOf(actor), orderId, change)),
        );
        results.push({
          orderId,
          result: 'updated',
          number: order.number,
          status: order.status,
          paymentStatus: order.paymentStatus,
          error: null,
        });
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        results.push({
          orderId,
          result: 'failed',
          number: null,
          status: null,
          paymentStatus: null,
          error: {
            statusCode: error.status,
            code: error.code,
            message: error.message,
            details: error.details ?? null,
          },
        });
      }
    }
    return results;
  }

  /**
   * A move made by the shop itself (a payment received, an unpaid order timed out), inside the
   * caller's transaction: the same checks, history (by `null`), notification, outbox event and
   * stock side effects as a staff move. The caller locks the order row first (`lockOrder`), so
   * no concurrent move can make the version claim fail.
   */
  moveAsSystem(manager: EntityManager, orderId: string, change: StatusChange): Promise<Order> {
    return this.apply(manager, SYSTEM, orderId, change);
  }

  /** Locks the order's row for the rest of `manager`'s transaction; the order as it is now. */
  async lockOrder(manager: EntityManager, orderId: string): Promise<Order> {
    return found(
      await manager.findOne(Order, { where: { id: orderId }, lock: { mode: 'pessimistic_write' } }),
      'Order',
    );
  }

  /**
   * Sets the payment status of a locked order (online providers' events, refunds). Saved through
   * the entity, so turning `paid` raises `OrderPaid` (the `order.paid` outbox event).
   */
  async setPaymentStatus(
    manager: EntityManager,
    order: Order,
    paymentStatus: PaymentStatus,
  ): Promise<void> {
    // Read again: a move earlier in the transaction may have changed the row since `order`.
    const current = found(await manager.findOne(Order, { where: { id: order.id } }), 'Order');
    order.paymentStatus = paymentStatus;
    if (current.paymentStatus === paymentStatus) return;
    current.paymentStatus = paymentStatus;
    await manager.save(current);
  }

  /** A note in the order's history without a status change (e.g. why a late payment was refunded). */
  async addHistoryNote(manager: EntityManager, order: Order, note: string): Promise<void> {
    await manager.insert(OrderStatusHistory, {
      orderId: order.id,
      fromStatus: order.status,
      toStatus: order.status,
      byUserId: null,
      note,
    });
  }

  /** One checked, version-claimed status change inside `manager`'s transaction. */
  private async apply(
    manager: EntityManager,
    actor: MoveActor,
    orderId: string,
    change: StatusChange,
  ): Promise<Order> {
    const order = found(
      await manager.findOne(Order, {
        where: actor.guestTokenHash
          ? { id: orderId, guestTokenHash: actor.guestTokenHash }
          : actor.ownerId
            ? { id: orderId, userId: actor.ownerId }
            : { id: orderId },
      }),
      'Order',
    );
    const check = checkMove(order.status, change.to, actor.mover);
    if (!check.ok && check.reason === 'forbidden')
      throw new OrderTransitionForbiddenError(order.status, change.to);
    if (!check.ok)
      throw new IllegalOrderTransitionError(order.status, change.to, check.reason === 'same');

    // Optimistic check: the move was decided on `order.version`; claim exactly that version.
    const claimed = await manager
      .createQueryBuilder()
      .update(Order)
      .set({ version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id: order.id, version: order.version })
      .execute();
    if (claimed.affected !== 1) throw new OrderChangedConcurrentlyError();

    order.version += 1;
    order.status = change.to;
    order.paymentStatus = paymentStatusAfter(
      change.to,
      order.paymentStatus,
      order.paymentProvider !== 'manual',
    );
    if (change.trackingNumber !== undefined) order.trackingNumber = change.trackingNumber;
    order.change = actor.guestTokenHash
      ? { byUserId: null, note: change.note ?? null, byGuest: true }
      : { byUserId: actor.userId, note: change.note ?? null };
    await manager.save(order);

    if (restoresStock(change.to)) {
      const items = await manager.find(OrderItem, { where: { orderId: order.id } });
      await this.stock.giveBack(
        manager,
        items.map((i) => ({
          productId: i.productId,
          variantId: i.variantId,
          quantity: i.quantity,
        })),
      );
    }
    await this.events.flush(manager); // the history row belongs in the response
    return order;
  }
}
