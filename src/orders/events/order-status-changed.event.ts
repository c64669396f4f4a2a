import { DomainEvent } from '@/common/events/domain-event-bus.js';
import type { OrderStatus } from '../order-state-machine.js';

export class OrderStatusChanged extends DomainEvent {
  constructor(
    readonly orderId: string,
    readonly orderNumber: string,
    /** The order's owner. */
    readonly userId: string,
    readonly oldStatus: OrderStatus,
    readonly newStatus: OrderStatus,
    /** Who made the change (`null`: the system). */
    readonly byUserId: string | null,
    readonly note: string | null,
  ) {
    super();
  }
}
