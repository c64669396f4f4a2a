import { DomainEvent } from '@/common/events/domain-event-bus.js';

export class OrderCreated extends DomainEvent {
  constructor(
    readonly orderId: string,
    readonly orderNumber: string,
    /** The customer's account; `null` for a guest order. */
    readonly userId: string | null,
    readonly total: number,
    readonly currency: string,
  ) {
    super();
  }
}
