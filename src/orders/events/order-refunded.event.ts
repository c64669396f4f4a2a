import { DomainEvent } from '@/common/events/domain-event-bus.js';

/** Money was given back on an order (one event per refund, recorded by the payments module). */
export class OrderRefunded extends DomainEvent {
  constructor(
    readonly orderId: string,
    /** `null` for a guest order. */
    readonly userId: string | null,
    readonly refundId: string,
    /** This refund, minor units. */
    readonly amount: number,
    /** Every refund of the order so far, this one included. */
    readonly refundedTotal: number,
    readonly reason: string | null,
  ) {
    super();
  }
}
