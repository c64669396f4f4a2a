import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from '@/orders/events/order-created.event.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import { statusMessage } from './notification-messages.js';
import { orderRoom, staffRoom, userRoom } from './socket-events.js';
import { NotificationsGateway } from './notifications.gateway.js';
import { NotificationsService } from './notifications.service.js';

/**
 * Order events → notifications. In the order's transaction: the owner's stored notification
 * (commits or rolls back with the change; a guest order has no account to store it for). After
 * commit only: the Socket.IO pushes, to the owner's room, the order's room (guests following it
 * with its order token) and staff, on every instance.
 */
@Injectable()
export class OrderNotificationsHandler implements OnModuleInit {
  /** The stored notification of each event, for the push that follows its commit. */
  private readonly notificationIds = new WeakMap<object, string>();

  constructor(
    private readonly events: DomainEventBus,
    private readonly notifications: NotificationsService,
    private readonly gateway: NotificationsGateway,
  ) {}

  onModuleInit(): void {
    this.events.onInTransaction(OrderStatusChanged, async (event, manager) => {
      if (event.userId === null) return; // a guest order: no account to store it for
      const { title, message } = statusMessage(event.orderNumber, event.newStatus);
      const id = await this.notifications.create(manager, {
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
      this.notificationIds.set(event, id);
    });
    this.events.onAfterCommit(OrderStatusChanged, (event) => this.onOrderStatusChanged(event));

    this.events.onInTransaction(OrderCreated, async (event, manager) => {
      if (event.userId === null) return;
      const { title, message } = statusMessage(event.orderNumber, 'pending');
      const id = await this.notifications.create(manager, {
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
      this.notificationIds.set(event, id);
    });
    this.events.onAfterCommit(OrderCreated, (event) => this.onOrderCreated(event));
  }

  private onOrderStatusChanged(event: OrderStatusChanged): void {
    // The owner's sockets, the guest sockets that hold the order's token, and staff.
    const owner = event.userId === null ? [] : [userRoom(event.userId)];
    this.gateway.sendTo([...owner, orderRoom(event.orderId), staffRoom], 'order_status_update', {
      notificationId: this.notificationIds.get(event) ?? null,
      orderId: event.orderId,
      orderNumber: event.orderNumber,
      oldStatus: event.oldStatus,
      newStatus: event.newStatus,
      message: statusMessage(event.orderNumber, event.newStatus).message,
      timestamp: event.occurredAt.toISOString(),
    });
  }

  private onOrderCreated(event: OrderCreated): void {
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
