import { DomainEvent } from '@/common/events/domain-event-bus.js';

export class OrderCreated extends DomainEvent {
  constructor(
    readonly orderId: string,
    readonly orderNumber: string,
    readonly userId: string,
    readonly total: number,
    readonly currency: string,
  ) {
    super();
  }
}
