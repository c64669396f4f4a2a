import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { dirname, join } from 'node:path';
import { isEmail } from 'class-validator';
import type { Reader } from './env-reader.js';

/** Weak secrets production refuses: the ones published in the repository's history. */
export const PUBLISHED_JWT_SECRETS: readonly string[] = ['dev-only-insecure-jwt-secret-change-me'];

/**
 * Outside production, with `JWT_SECRET` unset: a random secret made once and kept beside the
 * embedded data (mode 0600), so tokens survive restarts and nothing secret lives in git.
 */
export function localJwtSecret(embeddedDataDir: string): string {
  const file = join(dirname(embeddedDataDir), 'jwt-secret');
  try {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(48).toString('base64url');
  mkdirSync(dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return localJwtSecret(embeddedDataDir);
    throw error;
  }
  chmodSync(file, 0o600);
  return secret;
}

const PROXY_KEYWORDS = ['loopback', 'linklocal', 'uniquelocal'];

/** An address, a CIDR, or one of proxy-addr's names (loopback, linklocal, uniquelocal). */
function isProxyAddress(entry: string): boolean {
  if (PROXY_KEYWORDS.includes(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/** `MAIL_FROM`: `Name <address>` or a bare address (a host without a dot is allowed: localhost). */
export function readMailFrom(r: Reader): string {
  const value = r.raw('MAIL_FROM') ?? 'Shop <no-reply@localhost>';
  const address = /<([^<>]+)>$/.exec(value)?.[1] ?? value;
  if (!isEmail(address.trim(), { require_tld: false }))
    r.problems.push(`MAIL_FROM must be an address or "Name <address>" (got "${value}")`);
  return value;
}

/** `TRUST_PROXY`: false, a hop count, or proxy addresses/CIDRs; `true` is refused with advice. */
export function readTrustProxy(r: Reader): false | number | string[] {
  const value = r.raw('TRUST_PROXY');
  if (value === undefined || ['false', '0', 'no', 'off'].includes(value.toLowerCase()))
    return false;
  if (['true', 'yes', 'on'].includes(value.toLowerCase())) {
    r.problems.push(
      'TRUST_PROXY=true would believe every X-Forwarded-For hop, so any client could choose its own ' +
        'address: write the number of proxies in front of the app (TRUST_PROXY=1 behind one load ' +
        'balancer) or their addresses (TRUST_PROXY=10.0.0.0/8,192.168.1.10)',
    );
    return false;
  }
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops <= 32) return hops;
  } else {
    const entries = value.split(',').map((e) => e.trim());
    if (entries.every(isProxyAddress)) return entries;
  }
  r.problems.push(
    `TRUST_PROXY must be false, a number of proxies (1 to 32) or a comma-separated list of ` +
      `proxy addresses/CIDRs (got "${value}")`,
  );
  return false;
}

/** The payment providers `PAYMENT_PROVIDER` may name (src/payments/payment-providers.ts). */
export const PAYMENT_PROVIDER_NAMES = ['manual', 'stripe'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDER_NAMES)[number];

export interface PaymentsConfig {
  /** Who takes the money: `manual` (staff record it) or `stripe` (card payments online). */
  readonly provider: PaymentProviderName;
  readonly stripeSecretKey: string | undefined;
  readonly stripeWebhookSecret: string | undefined;
  /** Base URL the Stripe SDK talks to instead of api.stripe.com (tests, proxies). */
  readonly stripeApiUrl: string | undefined;
  /** Seconds an order of an online provider may stay unpaid before it is cancelled. */
  readonly paymentTimeoutSeconds: number;
  /** Seconds a manual-payment order may stay unpaid; `undefined`: never cancelled. */
  readonly manualPaymentTimeoutSeconds: number | undefined;
}

/**
 * `PAYMENT_*` and `STRIPE_*`. Stripe without both secrets is refused in every mode, not only in
 * production: without the key no payment can be created, and without the webhook secret no
 * payment would ever be seen as paid (every order would be cancelled by the timeout).
 */
export function readPayments(r: Reader): PaymentsConfig {
  const provider = r.oneOf('PAYMENT_PROVIDER', PAYMENT_PROVIDER_NAMES, 'manual');
  const stripeSecretKey = r.raw('STRIPE_SECRET_KEY');
  const stripeWebhookSecret = r.raw('STRIPE_WEBHOOK_SECRET');
  if (provider === 'stripe') {
    const missing = [
      stripeSecretKey ? undefined : 'STRIPE_SECRET_KEY',
      stripeWebhookSecret ? undefined : 'STRIPE_WEBHOOK_SECRET',
    ].filter(Boolean);
    if (missing.length > 0)
      r.problems.push(
        `PAYMENT_PROVIDER=stripe needs ${missing.join(' and ')} (the secret key sk_… and the ` +
          `webhook endpoint's signing secret whsec_… from the Stripe dashboard)`,
      );
  }
  return {
    provider,
    stripeSecretKey,
    stripeWebhookSecret,
    stripeApiUrl: r.url('STRIPE_API_URL', ['http:', 'https:']),
    paymentTimeoutSeconds: r.duration('PAYMENT_TIMEOUT', '30m'),
    manualPaymentTimeoutSeconds:
      r.raw('MANUAL_PAYMENT_TIMEOUT') === undefined
        ? undefined
        : r.duration('MANUAL_PAYMENT_TIMEOUT', '7d'),
  };
}
