import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InTransaction } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from './events/order-created.event.js';
import { OrderStatusChanged } from './events/order-status-changed.event.js';
import { OrderStatusHistory } from './order-status-history.entity.js';

/** Writes the order's status history in the same transaction as the change. */
@Injectable()
export class OrderHistoryHandler {
  @InTransaction(OrderCreated)
  async recordCreated(event: OrderCreated, manager: EntityManager): Promise<void> {
    await manager.insert(OrderStatusHistory, {
      orderId: event.orderId,
      fromStatus: null,
      toStatus: 'pending',
      byUserId: event.userId,
      note: null,
    });
  }

  @InTransaction(OrderStatusChanged)
  async recordStatusChanged(event: OrderStatusChanged, manager: EntityManager): Promise<void> {
    await manager.insert(OrderStatusHistory, {
      orderId: event.orderId,
      fromStatus: event.oldStatus,
      toStatus: event.newStatus,
      byUserId: event.byUserId,
      note: event.note,
    });
  }
}
