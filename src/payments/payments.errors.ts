import { DomainError } from '@/common/domain-error.js';

/** A webhook whose signature is missing, wrong or too old. */
export class InvalidSignatureError extends DomainError {
  readonly code = 'INVALID_SIGNATURE';
  readonly status = 400;
  constructor(reason: string) {
    super(`The webhook signature cannot be trusted: ${reason}`);
  }
}

/** A webhook for a provider this shop does not use. */
export class PaymentProviderNotConfiguredError extends DomainError {
  readonly code = 'PAYMENT_PROVIDER_NOT_CONFIGURED';
  readonly status = 404;
  constructor(provider: string) {
    super(`This shop does not take payments through ${provider}`);
  }
}

/** A refund of an order that has not been paid (or whose payment is not known yet). */
export class OrderNotPaidError extends DomainError {
  readonly code = 'ORDER_NOT_PAID';
  readonly status = 409;
  constructor(paymentStatus: string) {
    super(`The order has not been paid (payment status ${paymentStatus}): nothing to refund`, {
      paymentStatus,
    });
  }
}

/** More than what was paid and not yet refunded. */
export class RefundExceedsPaidError extends DomainError {
  readonly code = 'REFUND_EXCEEDS_PAID';
  readonly status = 422;
  constructor(requested: number, refundable: number) {
    super(
      refundable === 0
        ? 'Everything paid has been refunded already'
        : `At most ${refundable} (minor units) can still be refunded`,
      { requested, refundable },
    );
  }
}

/** The provider refused or could not be reached. */
export class PaymentProviderError extends DomainError {
  readonly code = 'PAYMENT_PROVIDER_ERROR';
  readonly status = 502;
  constructor(
    message: string,
    /** The provider refused for good (bad request, declined); else it may have been an outage. */
    readonly definitive = false,
  ) {
    super(`The payment provider failed: ${message}`);
  }
}
