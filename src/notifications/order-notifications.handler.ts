import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  AfterCommit,
  DomainEvent,
  DomainEventBus,
  InTransaction,
} from '@/common/events/domain-event-bus.js';
import { OrderCreated } from '@/orders/events/order-created.event.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import { statusMessage } from './notification-messages.js';
import { orderRoom, staffRoom, userRoom } from './socket-events.js';
import { NotificationsGateway } from './notifications.gateway.js';
import { NotificationsService } from './notifications.service.js';

/**
 * A status change as the notifications module tells it, recorded on the change's transaction
 * once its stored notification exists: the push after commit then holds everything it sends,
 * the notification's id included (`null` for a guest order, which has no account to store it for).
 */
export class OrderStatusNotified extends DomainEvent {
  constructor(
    readonly change: OrderStatusChanged,
    readonly notificationId: string | null,
  ) {
    super();
  }
}

/**
 * Order events → notifications. In the order's transaction: the owner's stored notification
 * (commits or rolls back with the change). After commit only: the Socket.IO pushes, to the
 * owner's room, the order's room (guests following it with its order token) and staff, on every
 * instance.
 */
@Injectable()
export class OrderNotificationsHandler {
  constructor(
    private readonly events: DomainEventBus,
    private readonly notifications: NotificationsService,
    private readonly gateway: NotificationsGateway,
  ) {}

  @InTransaction(OrderStatusChanged)
  async storeStatusNotification(event: OrderStatusChanged, manager: EntityManager): Promise<void> {
    const { title, message } = statusMessage(event.orderNumber, event.newStatus);
    const notificationId =
      event.userId === null
        ? null
        : await this.notifications.create(manager, {
            userId: event.userId,
            type: 'order_status_update',
            title,
            message,
            data: {
              orderId: event.orderId,
              orderNumber: event.orderNumber,
              oldStatus: event.oldStatus,
              newStatus: event.newStatus,
            },
          });
    this.events.record(new OrderStatusNotified(event, notificationId), manager);
  }

  @AfterCommit(OrderStatusNotified)
  pushStatusChange({ change, notificationId }: OrderStatusNotified): void {
    // The owner's sockets, the guest sockets that hold the order's token, and staff.
    const owner = change.userId === null ? [] : [userRoom(change.userId)];
    this.gateway.sendTo([...owner, orderRoom(change.orderId), staffRoom], 'order_status_update', {
      notificationId,
      orderId: change.orderId,
      orderNumber: change.orderNumber,
      oldStatus: change.oldStatus,
      newStatus: change.newStatus,
      message: statusMessage(change.orderNumber, change.newStatus).message,
      timestamp: change.occurredAt.toISOString(),
    });
  }

  @InTransaction(OrderCreated)
  async storeCreatedNotification(event: OrderCreated, manager: EntityManager): Promise<void> {
    if (event.userId === null) return; // a guest order: no account to store it for
    const { title, message } = statusMessage(event.orderNumber, 'pending');
    await this.notifications.create(manager, {
      userId: event.userId,
      type: 'order_created',
      title,
      message,
      data: {
        orderId: event.orderId,
        orderNumber: event.orderNumber,
        total: event.total,
        currency: event.currency,
      },
    });
  }

  @AfterCommit(OrderCreated)
  pushOrderCreated(event: OrderCreated): void {
    this.gateway.sendTo([staffRoom], 'order_created', {
      orderId: event.orderId,
      orderNumber: event.orderNumber,
      userId: event.userId,
      total: event.total,
      currency: event.currency,
      timestamp: event.occurredAt.toISOString(),
    });
  }
}
