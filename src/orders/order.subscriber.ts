import { Injectable } from '@nestjs/common';
import {
  DataSource,
  type EntitySubscriberInterface,
  type InsertEvent,
  type UpdateEvent,
} from 'typeorm';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from './events/order-created.event.js';
import { OrderPaid } from './events/order-paid.event.js';
import { OrderStatusChanged } from './events/order-status-changed.event.js';
import { Order } from './order.entity.js';

/**
 * Turns saved orders into domain events on the running transaction: a new order is
 * `OrderCreated`, a saved status change `OrderStatusChanged`, a payment status turned `paid`
 * `OrderPaid`. It only records (no I/O);
 * the bus runs the handlers. Orders must be saved with `manager.save` in a transaction.
 */
@Injectable()
export class OrderSubscriber implements EntitySubscriberInterface<Order> {
  constructor(
    dataSource: DataSource,
    private readonly events: DomainEventBus,
  ) {
    dataSource.subscribers.push(this);
  }

  listenTo(): typeof Order {
    return Order;
  }

  afterInsert(event: InsertEvent<Order>): void {
    const order = event.entity;
    this.events.record(
      new OrderCreated(order.id, order.number, order.userId, order.total, order.currency),
      event.manager,
    );
  }

  afterUpdate(event: UpdateEvent<Order>): void {
    const before = event.databaseEntity as Order | undefined;
    const after = event.entity as Order | undefined;
    if (!before || !after) return;
    if (after.paymentStatus === 'paid' && before.paymentStatus !== 'paid') {
      this.events.record(
        new OrderPaid(before.id, before.userId, before.paymentStatus, before.paymentProvider),
        event.manager,
      );
    }
    if (before.status === after.status) return;
    this.events.record(
      new OrderStatusChanged(
        before.id,
        before.number,
        before.userId,
        before.status,
        after.status,
        after.change?.byUserId ?? null,
        after.change?.note ?? null,
        after.change?.byGuest ?? false,
      ),
      event.manager,
    );
  }
}
