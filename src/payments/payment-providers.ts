import type { PaymentProviderName, PaymentsConfig } from '@/config/app-config.js';
import type { PaymentProvider } from './payment-provider.js';
import { ManualPaymentProvider } from './providers/manual-payment.provider.js';

/**
 * Every provider `PAYMENT_PROVIDER` may name. A new provider is a class implementing
 * {@link PaymentProvider}, a line here, and its name in `PAYMENT_PROVIDER_NAMES` (config).
 * Stripe's module is imported only when it is the configured provider: its SDK is ~220 modules
 * (a quarter of a second and ~5 MB of heap at start) that a shop on manual payments never uses.
 */
const PROVIDERS: Record<
  PaymentProviderName,
  (config: PaymentsConfig) => PaymentProvider | Promise<PaymentProvider>
> = {
  manual: () => new ManualPaymentProvider(),
  stripe: async (config) => {
    const { StripePaymentProvider } = await import('./providers/stripe-payment.provider.js');
    return new StripePaymentProvider(config);
  },
};

export const createPaymentProvider = async (config: PaymentsConfig): Promise<PaymentProvider> =>
  PROVIDERS[config.provider](config);
