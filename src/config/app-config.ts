import { isEmail } from 'class-validator';
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
  readonly currency: string;
  /** Requests per minute per client IP (and per email for login); 0 disables. */
  readonly authRateLimit: number;
  /** New guest carts a minute per client IP; 0 = unlimited. */
  readonly guestCartRateLimit: number;
  readonly trustProxy: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
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
}

export const DEV_JWT_SECRET = 'dev-only-insecure-jwt-secret-change-me';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses `30s`, `15m`, `12h`, `30d` or a bare number of seconds. */
export function parseDuration(value: string): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  const n = Number(match[1]);
  const unit = { s: 1, m: 60, h: 3600, d: 86400 }[(match[2] ?? 's') as 's' | 'm' | 'h' | 'd'];
  const seconds = n * unit;
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : undefined;
}

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!/^-?\d+$/.test(value) || n < min || n > max) {
      this.problems.push(`${name} must be an integer from ${min} to ${max} (got "${value}")`);
      return fallback;
    }
    return n;
  }

  duration(name: string, fallback: string): number {
    const value = this.raw(name) ?? fallback;
    const seconds = parseDuration(value);
    if (seconds === undefined) {
      this.problems.push(`${name} must be a duration like 900, 15m, 12h or 30d (got "${value}")`);
      return parseDuration(fallback) ?? 1;
    }
    return seconds;
  }

  bool(name: string, fallback: boolean): boolean {
    const value = this.raw(name)?.toLowerCase();
    if (value === undefined) return fallback;
    if (['1', 'true', 'yes', 'on'].includes(value)) return true;
    if (['0', 'false', 'no', 'off'].includes(value)) return false;
    this.problems.push(`${name} must be true or false (got "${value}")`);
    return fallback;
  }

  url(name: string, protocols: string[]): string | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    try {
      const url = new URL(value);
      if (!protocols.includes(url.protocol)) throw new Error('protocol');
      return value;
    } catch {
      this.problems.push(`${name} must be a ${protocols.join(' or ')}// URL`);
      return undefined;
    }
  }

  /** A percentage with up to two decimals (`8.25`) as basis points (`825`). */
  percentBasisPoints(name: string): number {
    const value = this.raw(name);
    if (value === undefined) return 0;
    if (!/^\d{1,3}(\.\d{1,2})?$/.test(value) || Number(value) > 100) {
      this.problems.push(
        `${name} must be a percentage from 0 to 100 with at most two decimals (got "${value}")`,
      );
      return 0;
    }
    return Math.round(Number(value) * 100);
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!(allowed as readonly string[]).includes(value)) {
      this.problems.push(`${name} must be one of ${allowed.join(', ')} (got "${value}")`);
      return fallback;
    }
    return value as T;
  }
}

export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const nodeEnv = r.oneOf(
    'NODE_ENV',
    ['development', 'production', 'test'] as const,
    'development',
  );
  const production = nodeEnv === 'production';

  const jwtSecret = r.raw('JWT_SECRET') ?? DEV_JWT_SECRET;
  if (production && jwtSecret === DEV_JWT_SECRET) {
    r.problems.push('JWT_SECRET is required when NODE_ENV=production');
  } else if (production && jwtSecret.length < 32) {
    r.problems.push('JWT_SECRET must be at least 32 characters when NODE_ENV=production');
  }

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

  const currency = (r.raw('CURRENCY') ?? 'USD').toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency))
    r.problems.push(`CURRENCY must be an ISO 4217 code (got "${currency}")`);

  const config: AppConfig = {
    nodeEnv,
    port: r.int('PORT', 3000, 0, 65535),
    host: r.raw('HOST') ?? '0.0.0.0',
    databaseUrl: r.url('DATABASE_URL', ['postgres:', 'postgresql:']),
    embeddedDataDir: r.raw('EMBEDDED_PG_DIR') ?? '.data/postgres',
    databasePoolSize: r.int('DATABASE_POOL_SIZE', 20, 1, 500),
    redisUrl: r.url('REDIS_URL', ['redis:', 'rediss:']),
    jwtSecret,
    jwtAccessTtl: r.duration('JWT_ACCESS_TTL', '15m'),
    jwtRefreshTtl: r.duration('JWT_REFRESH_TTL', '30d'),
    adminEmail,
    adminPassword,
    corsOrigins,
    cacheTtlSeconds: r.int('CACHE_TTL_SECONDS', 300, 1, 86400 * 7),
    currency,
    authRateLimit: r.int('AUTH_RATE_LIMIT', 20, 0, 1_000_000),
    guestCartRateLimit: r.int('GUEST_CART_RATE_LIMIT', 30, 0, 1_000_000),
    trustProxy: r.bool('TRUST_PROXY', false),
    logLevel: r.oneOf(
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'warn' : 'info',
    ),
    seedDemoData: r.bool('SEED_DEMO_DATA', true),
    catalogCacheEnabled: r.bool('CATALOG_CACHE', true),
    shippingFlatFee: r.int('SHIPPING_FLAT_FEE', 0, 0, 100_000_000),
    freeShippingThreshold: r.int('FREE_SHIPPING_THRESHOLD', 0, 0, 1_000_000_000),
    taxRateBasisPoints: r.percentBasisPoints('TAX_RATE_PERCENT'),
    mediaDir: r.raw('MEDIA_DIR') ?? '.data/media',
    mediaMaxBytes: r.int('MEDIA_MAX_BYTES', 5 * 1024 * 1024, 1024, 100 * 1024 * 1024),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
