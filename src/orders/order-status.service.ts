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
  type OrderStatus,
  paymentStatusAfter,
  restoresStock,
} from './order-state-machine.js';
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

const isGuestMover = (mover: OrderMover): mover is { guestTokenHash: string } =>
  'guestTokenHash' in mover;

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
        const order = await this.apply(manager, actor, orderId, change);
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
          this.db.transaction((manager) => this.apply(manager, actor, orderId, change)),
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

  /** One checked, version-claimed status change inside `manager`'s transaction. */
  private async apply(
    manager: EntityManager,
    actor: OrderMover,
    orderId: string,
    change: StatusChange,
  ): Promise<Order> {
    const guest = isGuestMover(actor);
    const staff = !guest && isStaff(actor);
    const order = found(
      await manager.findOne(Order, {
        where: guest
          ? { id: orderId, guestTokenHash: actor.guestTokenHash }
          : staff
            ? { id: orderId }
            : { id: orderId, userId: actor.id },
      }),
      'Order',
    );
    const check = checkMove(order.status, change.to, staff ? 'staff' : 'owner');
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
    order.paymentStatus = paymentStatusAfter(change.to, order.paymentStatus);
    if (change.trackingNumber !== undefined) order.trackingNumber = change.trackingNumber;
    order.change = guest
      ? { byUserId: null, note: change.note ?? null, byGuest: true }
      : { byUserId: actor.id, note: change.note ?? null };
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
