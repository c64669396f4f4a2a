import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { found } from '@/common/domain-error.js';
import { OutboxService } from '@/outbox/outbox.service.js';
import { OrderCreated } from './events/order-created.event.js';
import { OrderStatusChanged } from './events/order-status-changed.event.js';
import {
  changedBy,
  type OrderCreatedDataV1,
  type OrderStatusChangedDataV1,
  toOrderPayloadV1,
} from './events/order-webhook-payload.js';
import { Order } from './order.entity.js';

/**
 * Puts order events in the outbox, in the transaction of the change: webhooks and emails learn
 * of an order exactly when it commits, and never of one rolled back. The payload is the order as
 * it is at that moment (orders/events/order-webhook-payload.ts, version 1).
 */
@Injectable()
export class OrderOutboxHandler implements OnModuleInit {
  constructor(
    private readonly events: DomainEventBus,
    private readonly outbox: OutboxService,
  ) {}

  onModuleInit(): void {
    this.events.onInTransaction(OrderCreated, async (event, manager) => {
      const data: OrderCreatedDataV1 = await this.snapshot(manager, event.orderId);
      await this.outbox.record(manager, {
        type: 'order.created',
        aggregateType: 'order',
        aggregateId: event.orderId,
        userId: event.userId,
        payload: { ...data },
      });
    });
    this.events.onInTransaction(OrderStatusChanged, async (event, manager) => {
      const data: OrderStatusChangedDataV1 = {
        ...(await this.snapshot(manager, event.orderId)),
        previousStatus: event.oldStatus,
        changedBy: changedBy(event.byUserId, event.userId),
      };
      await this.outbox.record(manager, {
        type: 'order.status_changed',
        aggregateType: 'order',
        aggregateId: event.orderId,
        userId: event.userId,
        payload: { ...data },
      });
    });
  }

  private async snapshot(manager: EntityManager, orderId: string): Promise<OrderCreatedDataV1> {
    const order = found(
      await manager.findOne(Order, { where: { id: orderId }, relations: { items: true } }),
      'Order',
    );
    const [customer] = await manager.query<Array<{ email: string }>>(
      'SELECT email FROM users WHERE id = $1',
      [order.userId],
    );
    return {
      order: toOrderPayloadV1(order, order.items ?? []),
      customer: { id: order.userId, email: customer?.email ?? '' },
    };
  }
}
