import { describe, expect, it } from '@jest/globals';
import { loadConfig } from './app-config.js';
import { problemsOf, scratchDataDir } from './config-spec-support.js';
import type { Env } from './env-reader.js';

describe('loadConfig: payments', () => {
  const load = (env: Env = {}) => loadConfig({ EMBEDDED_PG_DIR: scratchDataDir(), ...env });

  it('takes payments manually by default, cancelling unpaid online orders after 30 minutes and manual ones never', () => {
    expect(load().payments).toEqual({
      provider: 'manual',
      stripeSecretKey: undefined,
      stripeWebhookSecret: undefined,
      stripeApiUrl: undefined,
      paymentTimeoutSeconds: 1800,
      manualPaymentTimeoutSeconds: undefined,
    });
  });

  it('reads the Stripe settings and both timeouts', () => {
    expect(
      load({
        PAYMENT_PROVIDER: 'stripe',
        STRIPE_SECRET_KEY: 'sk_test_1',
        STRIPE_WEBHOOK_SECRET: 'whsec_1',
        STRIPE_API_URL: 'http://127.0.0.1:12111',
        PAYMENT_TIMEOUT: '15m',
        MANUAL_PAYMENT_TIMEOUT: '14d',
      }).payments,
    ).toEqual({
      provider: 'stripe',
      stripeSecretKey: 'sk_test_1',
      stripeWebhookSecret: 'whsec_1',
      stripeApiUrl: 'http://127.0.0.1:12111',
      paymentTimeoutSeconds: 900,
      manualPaymentTimeoutSeconds: 14 * 86400,
    });
  });

  it('refuses stripe without its secret key or webhook secret, naming what is missing', () => {
    expect(problemsOf({ PAYMENT_PROVIDER: 'stripe', STRIPE_WEBHOOK_SECRET: 'whsec_1' })).toEqual([
      expect.stringMatching(/^PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY \(/),
    ]);
    expect(
      problemsOf({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://db/shop',
        JWT_SECRET: 'x'.repeat(40),
        PAYMENT_PROVIDER: 'stripe',
      }),
    ).toEqual([
      expect.stringMatching(
        /^PAYMENT_PROVIDER=stripe needs STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET/,
      ),
    ]);
  });

  it('refuses an unknown provider, a bad API URL and bad timeouts', () => {
    const problems = problemsOf({
      PAYMENT_PROVIDER: 'paypal',
      STRIPE_API_URL: 'ftp://stripe',
      PAYMENT_TIMEOUT: 'soon',
      MANUAL_PAYMENT_TIMEOUT: '0',
    });
    expect(problems.map((p) => p.split(' ')[0]).sort()).toEqual([
      'MANUAL_PAYMENT_TIMEOUT',
      'PAYMENT_PROVIDER',
      'PAYMENT_TIMEOUT',
      'STRIPE_API_URL',
    ]);
  });
});
