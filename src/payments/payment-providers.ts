import type { PaymentProviderName, PaymentsConfig } from '@/config/app-config.js';
import type { PaymentProvider } from './payment-provider.js';
import { ManualPaymentProvider } from './providers/manual-payment.provider.js';
import { StripePaymentProvider } from './providers/stripe-payment.provider.js';

/**
 * Every provider `PAYMENT_PROVIDER` may name. A new provider is a class implementing
 * {@link PaymentProvider}, a line here, and its name in `PAYMENT_PROVIDER_NAMES` (config).
 */
const PROVIDERS: Record<PaymentProviderName, (config: PaymentsConfig) => PaymentProvider> = {
  manual: () => new ManualPaymentProvider(),
  stripe: (config) => new StripePaymentProvider(config),
};

export const createPaymentProvider = (config: PaymentsConfig): PaymentProvider =>
  PROVIDERS[config.provider](config);
