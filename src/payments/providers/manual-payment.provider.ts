import type {
  PaymentProvider,
  ProviderEvent,
  ProviderPayment,
  ProviderRefund,
} from '../payment-provider.js';
import { InvalidSignatureError } from '../payments.errors.js';

/**
 * Bank transfer or cash on delivery: nothing is paid online. Staff record the payment by
 * confirming the order (the payment status follows the order status), and a refund is money
 * staff gave back by hand, recorded as such.
 */
export class ManualPaymentProvider implements PaymentProvider {
  readonly name = 'manual';
  readonly paysOnline = false;

  createPayment(): Promise<ProviderPayment | undefined> {
    return Promise.resolve(undefined);
  }

  retrievePayment(reference: string): Promise<ProviderPayment> {
    return Promise.resolve({ reference, status: 'pending', clientSecret: null });
  }

  refund(): Promise<ProviderRefund> {
    return Promise.resolve({ reference: null });
  }

  cancel(): Promise<void> {
    return Promise.resolve();
  }

  parseEvent(): ProviderEvent {
    throw new InvalidSignatureError('the manual provider sends no events');
  }
}
