import type { PaymentRecordStatus } from './payment.entity.js';

/** What a provider needs to create an order's payment. Money in integer minor units. */
export interface PayableOrder {
  id: string;
  number: string;
  total: number;
  /** ISO 4217, upper case as the order stores it. */
  currency: string;
}

/** A payment as the provider has it. */
export interface ProviderPayment {
  /** The provider's id (a PaymentIntent id). */
  reference: string;
  status: PaymentRecordStatus;
  /** What the customer's browser needs to pay (Stripe.js); `null` once nothing is left to pay. */
  clientSecret: string | null;
}

/** A provider event, verified and reduced to what the shop acts on. */
export type ProviderEvent =
  | {
      id: string;
      /** The provider's own type name (`payment_intent.succeeded`), for logs and metrics. */
      type: string;
      kind: 'succeeded';
      reference: string;
      orderId: string | undefined;
      amountReceived: number;
    }
  | {
      id: string;
      type: string;
      kind: 'failed';
      reference: string;
      orderId: string | undefined;
      failureMessage: string | null;
    }
  | {
      id: string;
      type: string;
      kind: 'refunded';
      reference: string;
      orderId: string | undefined;
      /** What the charge brought in. */
      amountReceived: number;
      /** Every refund of the payment at the provider, in total. */
      amountRefunded: number;
    }
  | { id: string; type: string; kind: 'ignored' };

export interface ProviderRefund {
  /** The provider's refund id; `null` when the provider keeps none (manual). */
  reference: string | null;
}

/**
 * A way to take an order's money. Adding one is a class implementing this and a line in
 * payment-providers.ts. Every call that creates something takes an idempotency key derived from
 * our own ids, so a retry never makes a second payment or refund.
 */
export interface PaymentProvider {
  /** Stored on orders and payments (`manual`, `stripe`). */
  readonly name: string;
  /**
   * The customer pays online at checkout: the provider's events drive the payment status, and
   * unpaid orders are cancelled after `PAYMENT_TIMEOUT`. Otherwise (bank transfer, cash on
   * delivery) staff record the payment by confirming the order.
   */
  readonly paysOnline: boolean;
  /** Creates the order's payment; `undefined` when the provider has nothing to create. */
  createPayment(order: PayableOrder): Promise<ProviderPayment | undefined>;
  /** The payment as the provider has it now (for its client secret). */
  retrievePayment(reference: string): Promise<ProviderPayment>;
  /** Gives `amount` back; `refundId` (ours) is the idempotency key. */
  refund(
    reference: string | null,
    refund: { id: string; amount: number; reason: string | null },
  ): Promise<ProviderRefund>;
  /** Cancels an unpaid payment (one already cancelled or paid is left as it is). */
  cancel(reference: string): Promise<void>;
  /**
   * Verifies a webhook (signature over the raw body, freshness) and reads it; throws
   * `InvalidSignatureError` when it cannot be trusted.
   */
  parseEvent(rawBody: string, signature: string | undefined): ProviderEvent;
}

/** The provider chosen by `PAYMENT_PROVIDER` (payment-providers.ts). */
export const PAYMENT_PROVIDER = Symbol('PAYMENT_PROVIDER');
