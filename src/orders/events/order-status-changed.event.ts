import { DomainEvent } from '@/common/events/domain-event-bus.js';
import type { OrderStatus } from '../order-state-machine.js';

export class OrderStatusChanged extends DomainEvent {
  constructor(
    readonly orderId: string,
    readonly orderNumber: string,
    /** The order's owner; `null` for a guest order no account has claimed. */
    readonly userId: string | null,
    readonly oldStatus: OrderStatus,
    readonly newStatus: OrderStatus,
    /** Who made the change (`null`: the system). */
    readonly byUserId: string | null,
    readonly note: string | null,
    /** Made by the holder of the order's guest token (a guest cancelling it). */
    readonly byGuest = false,
  ) {
    super();
  }
}
