import {
  DomainError,
  type ErrorCodes,
  integerDetails,
  stringDetails,
} from '@/common/domain-error.js';

/** A webhook whose signature is missing, wrong or too old. */
export class InvalidSignatureError extends DomainError {
  static override readonly codes = {
    INVALID_SIGNATURE: {
      status: 400,
      description:
        'The provider webhook signature is missing, wrong or too old: nothing was applied',
    },
  } satisfies ErrorCodes;

  readonly code = 'INVALID_SIGNATURE';
  readonly status = 400;
  constructor(reason: string) {
    super(`The webhook signature cannot be trusted: ${reason}`);
  }
}

/** A webhook for a provider this shop does not use. */
export class PaymentProviderNotConfiguredError extends DomainError {
  static override readonly codes = {
    PAYMENT_PROVIDER_NOT_CONFIGURED: {
      status: 404,
      description: 'This shop does not take payments through that provider',
    },
  } satisfies ErrorCodes;

  readonly code = 'PAYMENT_PROVIDER_NOT_CONFIGURED';
  readonly status = 404;
  constructor(provider: string) {
    super(`This shop does not take payments through ${provider}`);
  }
}

/** A refund of an order that has not been paid (or whose payment is not known yet). */
export class OrderNotPaidError extends DomainError {
  static override readonly codes = {
    ORDER_NOT_PAID: {
      status: 409,
      description:
        'The order has not been paid (or its payment is not known yet): nothing to refund',
      details: stringDetails({ paymentStatus: 'pending' }),
    },
  } satisfies ErrorCodes;

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
  static override readonly codes = {
    REFUND_EXCEEDS_PAID: {
      status: 422,
      description: 'More than what was paid and not yet refunded (amounts in minor units)',
      details: integerDetails({ requested: 5000, refundable: 2999 }),
    },
  } satisfies ErrorCodes;

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
  static override readonly codes = {
    PAYMENT_PROVIDER_ERROR: {
      status: 502,
      description: 'The payment provider refused or could not be reached',
    },
  } satisfies ErrorCodes;

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
