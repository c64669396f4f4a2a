import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from './events/order-created.event.js';
import { OrderStatusChanged } from './events/order-status-changed.event.js';
import { OrderStatusHistory } from './order-status-history.entity.js';

/** Writes the order's status history in the same transaction as the change. */
@Injectable()
export class OrderHistoryHandler implements OnModuleInit {
  constructor(private readonly events: DomainEventBus) {}

  onModuleInit(): void {
    this.events.onInTransaction(OrderCreated, async (event, manager) => {
      await manager.insert(OrderStatusHistory, {
        orderId: event.orderId,
        fromStatus: null,
        toStatus: 'pending',
        byUserId: event.userId,
        note: null,
      });
    });
    this.events.onInTransaction(OrderStatusChanged, async (event, manager) => {
      await manager.insert(OrderStatusHistory, {
        orderId: event.orderId,
        fromStatus: event.oldStatus,
        toStatus: event.newStatus,
        byUserId: event.byUserId,
        note: event.note,
      });
    });
  }
}
