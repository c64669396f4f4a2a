import { isEmail } from 'class-validator';
import {
  localJwtSecret,
  type PaymentsConfig,
  PUBLISHED_JWT_SECRETS,
  readMailFrom,
  readPayments,
  readTrustProxy,
} from './config-values.js';
import { ConfigError, type Env, Reader } from './env-reader.js';

export { ConfigError, parseDuration } from './env-reader.js';
export { localJwtSecret, PUBLISHED_JWT_SECRETS } from './config-values.js';
export type { PaymentProviderName, PaymentsConfig } from './config-values.js';
/**
 * The one typed, validated configuration. Every environment variable the application reads is
 * parsed here and nowhere else; {@link loadConfig} reports every bad variable at once.
 */
export type NodeEnv = 'development' | 'production' | 'test';

export interface AppConfig {
  readonly nodeEnv: NodeEnv;
  readonly port: number;
  readonly host: string;
  /** PostgreSQL URL; `undefined` means "start the embedded PostgreSQL". */
  readonly databaseUrl: string | undefined;
  /** Directory of the embedded PostgreSQL cluster. */
  readonly embeddedDataDir: string;
  readonly databasePoolSize: number;
  /** Name parameterised statements, parsed and planned once per connection (off behind PgBouncer < 1.21 in transaction mode). */
  readonly databasePreparedStatements: boolean;
  readonly redisUrl: string | undefined;
  readonly jwtSecret: string;
  /** Seconds. */
  readonly jwtAccessTtl: number;
  /** Seconds. */
  readonly jwtRefreshTtl: number;
  readonly adminEmail: string | undefined;
  readonly adminPassword: string | undefined;
  /** `true` reflects any origin; otherwise the exact list. */
  readonly corsOrigins: true | string[];
  readonly cacheTtlSeconds: number;
  /**
   * HTTP caching of public catalog reads: `Cache-Control: public, max-age=<httpCacheMaxAge>,
   * stale-while-revalidate=<httpCacheSwr>` (seconds; 0 drops the directive, a max-age of 0
   * means `no-cache`: stored, revalidated with the ETag every time).
   */
  readonly httpCacheMaxAge: number;
  readonly httpCacheSwr: number;
  readonly currency: string;
  /** Requests per minute per client IP (and per email for login); 0 disables. */
  readonly authRateLimit: number;
  /**
   * Password hashing work factor: scrypt's N is 2^this (15: 32 MiB and about 0.1 s a hash on one
   * core). Stored hashes keep their own, so it can be raised at any time.
   */
  readonly passwordHashCost: number;
  /** New guest carts a minute per client IP; 0 = unlimited. */
  readonly guestCartRateLimit: number;
  /** Guest checkouts per minute per client address; 0 = off. */
  readonly guestCheckoutRateLimit: number;
  /**
   * Which `X-Forwarded-For` hops to believe (Fastify's `trustProxy`): `false` none, a number of
   * proxies in front of the app (safe only when clients cannot reach the app around them), or the
   * proxies' addresses/CIDRs. Never "all" (any client could pick its own address and dodge every
   * per-IP limit).
   */
  readonly trustProxy: false | number | string[];
  /**
   * Requests a minute per client address (an IPv6 client by its /64) on every route but /health
   * and /metrics, counted in each instance's memory; 0 = off.
   */
  readonly rateLimit: number;
  /** Seconds a just-rotated refresh token may be presented again (two tabs, a lost answer); 0 = strict. */
  readonly refreshReuseGrace: number;
  /** Open Socket.IO connections per user; the oldest is disconnected past this. */
  readonly socketsPerUser: number;
  /** Image uploads a minute per signed-in user; 0 = off. */
  readonly uploadRateLimit: number;
  /** Largest decoded image, in pixels (width × height): decompression bombs are refused. */
  readonly mediaMaxPixels: number;
  /** Serve the demo page at /demo (default: on outside production). */
  readonly demoEnabled: boolean;
  /** Serve Swagger UI at /docs and the document at /docs-json. */
  readonly docsEnabled: boolean;
  /** Milliseconds a SIGTERM waits for in-flight work before exiting (fits Docker's 10 s). */
  readonly shutdownGraceMs: number;
  /**
   * The server applies pending migrations at start, under an advisory lock (several instances may
   * start at once). `MIGRATE_ON_START=false` for a role without DDL rights: the server then never
   * migrates, and /health/ready answers 503 while migrations are pending (run `cli/migrate.js`).
   */
  readonly migrateOnStart: boolean;
  /** Scheduled purge of what only grows; ages in seconds, interval in seconds, 0 = off. */
  readonly retention: RetentionConfig;
  /** The job engine (pg-boss, on the app's own PostgreSQL) that dispatches the outbox. */
  readonly jobs: JobsConfig;
  /** Outgoing, signed webhooks (src/webhooks). */
  readonly webhooks: WebhooksConfig;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** `pretty` (text, for a terminal; default there) or `json` (a record a line, for collectors). */
  readonly logFormat: 'pretty' | 'json';
  /** Seed the demo catalog into an empty embedded database on start. */
  readonly seedDemoData: boolean;
  /** `CATALOG_CACHE=false` turns the catalog cache off (benchmarks of uncached reads). */
  readonly catalogCacheEnabled: boolean;
  /** Flat shipping fee in minor units (0 = free shipping). */
  readonly shippingFlatFee: number;
  /** Subtotal (minor units) from which shipping is free; 0 = no threshold. */
  readonly freeShippingThreshold: number;
  /** Tax rate in basis points of a percent ×100: 8.25% → 825. */
  readonly taxRateBasisPoints: number;
  /** Directory of the local-disk media storage (uploaded images). */
  readonly mediaDir: string;
  /** Largest accepted image upload, in bytes. */
  readonly mediaMaxBytes: number;
  /** Outgoing email (src/mail). */
  readonly mail: MailConfig;
  /** Password reset and email verification (src/accounts). */
  readonly accountRecovery: AccountRecoveryConfig;
  /** How orders are paid (src/payments). */
  readonly payments: PaymentsConfig;
}

export interface MailConfig {
  /** Base of the links in emails (`/reset-password`, `/verify-email`), no trailing slash. */
  readonly publicUrl: string;
  /** `smtp://` or `smtps://` URL; unset: emails are written to {@link dir} (the file mailbox). */
  readonly smtpUrl: string | undefined;
  /** The From header: `Shop <no-reply@shop.example>` or a bare address. */
  readonly from: string;
  /** The file mailbox's directory (SMTP_URL unset). */
  readonly dir: string;
  /** Templates directory; unset: the project's `templates/mail`. */
  readonly templatesDir: string | undefined;
}

export interface AccountRecoveryConfig {
  /** Seconds a password reset link works. */
  readonly passwordResetTtl: number;
  /** Seconds an email verification link works. */
  readonly emailVerificationTtl: number;
  /** Reset requests an hour per address and per client IP (and resends per user); 0 = off. */
  readonly passwordResetRateLimit: number;
  /** Checkout answers 403 EMAIL_NOT_VERIFIED until the customer verified their address. */
  readonly requireEmailVerification: boolean;
}

export interface RetentionConfig {
  /** How often the purge runs (seconds); 0 turns retention off. */
  readonly intervalSeconds: number;
  /** Refresh tokens are kept this long after they expired or were revoked. */
  readonly refreshTokens: number;
  /** Idempotency keys (each holds a whole order answer) are kept this long after they were made. */
  readonly idempotencyKeys: number;
  /** Read notifications are kept this long; unread ones twice as long. */
  readonly notifications: number;
  /** Guest carts untouched this long are deleted with their lines. */
  readonly guestCarts: number;
  /** Uploaded files no row refers to are deleted once this old. */
  readonly orphanUploads: number;
  /** Outbox events are kept this long after dispatch (never undispatched ones). */
  readonly outboxEvents: number;
  /** Finished webhook deliveries (and their attempt logs) are kept this long after the last attempt. */
  readonly webhookDeliveries: number;
  /** Password-reset and email-verification tokens are kept this long after they expired. */
  readonly accountTokens: number;
}

export interface JobsConfig {
  /** Run job workers in this instance; `false` only enqueues (web-only replicas, the CLIs). */
  readonly workers: boolean;
  /** Seconds an idle worker waits between polls for new jobs. */
  readonly pollIntervalSeconds: number;
  /** Seconds between supervision passes: jobs of a crashed instance are retried after one. */
  readonly monitorIntervalSeconds: number;
  /** Jobs each worker runs at once (webhook deliveries, emails). */
  readonly concurrency: number;
  /** Connections of the job engine's own pool (never TypeORM's). */
  readonly poolSize: number;
  /** PostgreSQL schema of the job engine's tables (one engine per schema). */
  readonly schema: string;
}

export interface WebhooksConfig {
  /** Allow private and loopback targets (development, tests); link-local ones are always refused. */
  readonly allowPrivateTargets: boolean;
  /** Seconds one delivery attempt may take, connection to last byte. */
  readonly timeoutSeconds: number;
  /** Attempts per delivery before it is dead. */
  readonly maxAttempts: number;
  /** Seconds before the first retry (4 s gives 4–8 s); each retry doubles it, with jitter. */
  readonly retryBaseSeconds: number;
  /** Longest wait between two attempts, in seconds. */
  readonly retryMaxDelaySeconds: number;
  /** An endpoint failing for this many seconds without a success is disabled. */
  readonly disableAfterSeconds: number;
  /** Seconds the previous secret still signs after a rotation. */
  readonly secretRotationGraceSeconds: number;
}

/** The production floor of PASSWORD_HASH_COST; lower values only make test suites fast. */
export const MIN_PRODUCTION_HASH_COST = 15;

function readPasswordHashCost(r: Reader, production: boolean): number {
  const cost = r.int('PASSWORD_HASH_COST', MIN_PRODUCTION_HASH_COST, 10, 20);
  if (production && cost < MIN_PRODUCTION_HASH_COST)
    r.problems.push(
      `PASSWORD_HASH_COST must be at least ${MIN_PRODUCTION_HASH_COST} when NODE_ENV=production ` +
        '(lower values are for test suites only)',
    );
  return cost;
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf(
    'NODE_ENV',
    ['development', 'production', 'test'] as const,
    'development',
  );
  const production = nodeEnv === 'production';

  const embeddedDataDir = r.raw('EMBEDDED_PG_DIR') ?? '.data/postgres';
  let jwtSecret = r.raw('JWT_SECRET') ?? '';
  if (production && jwtSecret === '') {
    r.problems.push('JWT_SECRET is required when NODE_ENV=production');
  } else if (production && PUBLISHED_JWT_SECRETS.includes(jwtSecret)) {
    r.problems.push('JWT_SECRET is a published example secret: generate your own');
  } else if (production && jwtSecret.length < 32) {
    r.problems.push('JWT_SECRET must be at least 32 characters when NODE_ENV=production');
  } else if (jwtSecret === '') {
    jwtSecret = localJwtSecret(embeddedDataDir);
  }

  const trustProxy = readTrustProxy(r);

  const adminEmail = r.raw('ADMIN_EMAIL');
  const adminPassword = r.raw('ADMIN_PASSWORD');
  if (adminEmail !== undefined && !isEmail(adminEmail.trim()))
    r.problems.push(`ADMIN_EMAIL must be an email address (got "${adminEmail}")`);
  if ((adminEmail === undefined) !== (adminPassword === undefined)) {
    r.problems.push('ADMIN_EMAIL and ADMIN_PASSWORD must be set together');
  }

  const corsRaw = r.raw('CORS_ORIGINS');
  let corsOrigins: true | string[] = true;
  if (corsRaw !== undefined && corsRaw !== '*') {
    corsOrigins = corsRaw
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean);
    for (const origin of corsOrigins) {
      if (!/^https?:\/\/[^/\s]+$/.test(origin)) {
        r.problems.push(
          `CORS_ORIGINS entries must be origins like https://shop.example (got "${origin}")`,
        );
      }
    }
  } else if (corsRaw === undefined && production) {
    corsOrigins = [];
  }

  // Production installs leave the embedded PostgreSQL out: without a database, fail at once.
  if (production && r.raw('DATABASE_URL') === undefined)
    r.problems.push('DATABASE_URL is required when NODE_ENV=production');

  const currency = (r.raw('CURRENCY') ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    r.problems.push(`CURRENCY must be an ISO 4217 code (got "${currency}")`);

  const config: AppConfig = {
    nodeEnv,
    port: r.int('PORT', 3000, 0, 65535),
    // Containers set HOST=0.0.0.0 (the Dockerfile and compose do); a laptop stays private.
    host: r.raw('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedDataDir,
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 20, 1, 500),
    databasePreparedStatements: r.bool('DATABASE_PREPARED_STATEMENTS', true),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwtAccessTtl: r.duration('JWT_ACCESS_TTL', '15m'),
    jwtRefreshTtl: r.duration('JWT_REFRESH_TTL', '30d'),
    adminEmail,
    adminPassword,
    corsOrigins,
    cacheTtlSeconds: r.int('CACHE_TTL_SECONDS', 300, 1, 86400 * 7),
    httpCacheMaxAge: r.int('HTTP_CACHE_MAX_AGE', 30, 0, 86400),
    httpCacheSwr: r.int('HTTP_CACHE_SWR', 60, 0, 86400 * 7),
    currency,
    authRateLimit: r.int('AUTH_RATE_LIMIT', 20, 0, 1_000_000),
    passwordHashCost: readPasswordHashCost(r, production),
    guestCartRateLimit: r.int('GUEST_CART_RATE_LIMIT', 30, 0, 1_000_000),
    guestCheckoutRateLimit: r.int('GUEST_CHECKOUT_RATE_LIMIT', 10, 0, 1_000_000),
    trustProxy,
    rateLimit: r.int('RATE_LIMIT', 1200, 0, 100_000_000),
    refreshReuseGrace: r.durationOrZero('REFRESH_REUSE_GRACE', '30s'),
    socketsPerUser: r.int('SOCKETS_PER_USER', 20, 1, 10_000),
    uploadRateLimit: r.int('UPLOAD_RATE_LIMIT', 30, 0, 1_000_000),
    mediaMaxPixels: r.int('MEDIA_MAX_PIXELS', 40_000_000, 1, 1_000_000_000),
    demoEnabled: r.bool('DEMO_ENABLED', !production),
    docsEnabled: r.bool('DOCS_ENABLED', true),
    shutdownGraceMs: r.duration('SHUTDOWN_GRACE', '8s') * 1000,
    migrateOnStart: r.bool('MIGRATE_ON_START', true),
    retention: {
      intervalSeconds: r.durationOrZero('RETENTION_INTERVAL', '1h'),
      refreshTokens: r.duration('RETENTION_REFRESH_TOKENS', '7d'),
      idempotencyKeys: r.duration('RETENTION_IDEMPOTENCY_KEYS', '2d'),
      notifications: r.duration('RETENTION_NOTIFICATIONS', '90d'),
      guestCarts: r.duration('RETENTION_GUEST_CARTS', '30d'),
      orphanUploads: r.duration('RETENTION_ORPHAN_UPLOADS', '1d'),
      outboxEvents: r.duration('RETENTION_OUTBOX_EVENTS', '7d'),
      webhookDeliveries: r.duration('RETENTION_WEBHOOK_DELIVERIES', '30d'),
      accountTokens: r.duration('RETENTION_ACCOUNT_TOKENS', '1d'),
    },
    jobs: {
      workers: r.bool('JOBS_WORKERS', true),
      pollIntervalSeconds: r.duration('JOBS_POLL_INTERVAL', '1s'),
      monitorIntervalSeconds: r.duration('JOBS_MONITOR_INTERVAL', '30s'),
      concurrency: r.int('JOBS_CONCURRENCY', 4, 1, 100),
      poolSize: r.int('JOBS_POOL_SIZE', 5, 2, 100),
      schema: r.identifier('JOBS_SCHEMA', 'pgboss'),
    },
    webhooks: {
      allowPrivateTargets: r.bool('WEBHOOK_ALLOW_PRIVATE_TARGETS', false),
      timeoutSeconds: r.duration('WEBHOOK_TIMEOUT', '15s'),
      maxAttempts: r.int('WEBHOOK_MAX_ATTEMPTS', 25, 1, 100),
      retryBaseSeconds: r.duration('WEBHOOK_RETRY_BASE', '4s'),
      retryMaxDelaySeconds: r.duration('WEBHOOK_RETRY_MAX_DELAY', '6h'),
      disableAfterSeconds: r.duration('WEBHOOK_DISABLE_AFTER', '5d'),
      secretRotationGraceSeconds: r.duration('WEBHOOK_SECRET_ROTATION_GRACE', '24h'),
    },
    logLevel: r.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'warn' : 'info',
    ),
    // Tests capture JSON from stdout, even when run from a terminal.
    logFormat: r.oneOf(
      'LOG_FORMAT',
      ['pretty', 'json'] as const,
      process.stdout.isTTY && nodeEnv !== 'test' ? 'pretty' : 'json',
    ),
    seedDemoData: r.bool('SEED_DEMO_DATA', true),
    catalogCacheEnabled: r.bool('CATALOG_CACHE', true),
    shippingFlatFee: r.int('SHIPPING_FLAT_FEE', 0, 0, 100_000_000),
    freeShippingThreshold: r.int('FREE_SHIPPING_THRESHOLD', 0, 0, 1_000_000_000),
    taxRateBasisPoints: r.percentBasisPoints('TAX_RATE_PERCENT'),
    mediaDir: r.raw('MEDIA_DIR') ?? '.data/media',
    mediaMaxBytes: r.int('MEDIA_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
    mail: {
      // The default suits `npm start` on a laptop; a deployment sets its own public address.
      publicUrl: (
        r.url('PUBLIC_URL', ['http:', 'https:']) ?? `http://localhost:${r.raw('PORT') ?? 3000}`
      ).replace(/\/+$/, ''),
      smtpUrl: r.url('SMTP_URL', ['smtp:', 'smtps:']),
      from: readMailFrom(r),
      dir: r.raw('MAIL_DIR') ?? '.data/mail',
      templatesDir: r.raw('MAIL_TEMPLATES_DIR'),
    },
    accountRecovery: {
      passwordResetTtl: r.duration('PASSWORD_RESET_TTL', '1h'),
      emailVerificationTtl: r.duration('EMAIL_VERIFICATION_TTL', '48h'),
      passwordResetRateLimit: r.int('PASSWORD_RESET_RATE_LIMIT', 5, 0, 1_000_000),
      requireEmailVerification: r.bool('REQUIRE_EMAIL_VERIFICATION', false),
    },
    payments: readPayments(r),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
