import { DomainEvent } from '@/common/events/domain-event-bus.js';
import type { PaymentStatus } from '../order-state-machine.js';

/**
 * An order's payment status became `paid`: staff confirmed a manual-payment order, or an online
 * provider reported the payment. Recorded by the order subscriber when a saved order's
 * `paymentStatus` turns `paid`.
 */
export class OrderPaid extends DomainEvent {
  constructor(
    readonly orderId: string,
    /** `null` for a guest order. */
    readonly userId: string | null,
    readonly previousPaymentStatus: PaymentStatus,
    /** Who takes the payment (`manual`, `stripe`). */
    readonly provider: string,
  ) {
    super();
  }
}
