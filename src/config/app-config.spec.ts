import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig, PUBLISHED_JWT_SECRETS } from './app-config.js';
import { problemsOf, scratchDataDir } from './config-spec-support.js';
import type { Env } from './env-reader.js';

const PRODUCTION_SECRET = 'a-production-secret-of-forty-characters!';

describe('loadConfig: bad values', () => {
  it.each<[string, string, RegExp]>([
    ['PORT', 'abc', /^PORT must be an integer from 0 to 65535 \(got "abc"\)$/],
    ['PORT', '70000', /^PORT must be an integer/],
    ['PORT', '3000.5', /^PORT must be an integer/],
    ['DATABASE_URL', 'mysql://root@db/shop', /^DATABASE_URL must be a postgres: or postgresql:/],
    ['DATABASE_URL', 'not a url', /^DATABASE_URL must be a postgres: or postgresql:/],
    ['REDIS_URL', 'http://cache:6379', /^REDIS_URL must be a redis: or rediss:/],
    ['LOG_LEVEL', 'verbose', /^LOG_LEVEL must be one of fatal, error, warn, info, debug/],
    ['LOG_FORMAT', 'text', /^LOG_FORMAT must be one of pretty, json \(got "text"\)$/],
    ['NODE_ENV', 'staging', /^NODE_ENV must be one of development, production, test/],
    ['AUTH_RATE_LIMIT', '-1', /^AUTH_RATE_LIMIT must be an integer from 0 to/],
    ['GUEST_CART_RATE_LIMIT', '-5', /^GUEST_CART_RATE_LIMIT must be an integer from 0 to/],
    ['DATABASE_POOL_SIZE', '0', /^DATABASE_POOL_SIZE must be an integer from 1 to 500/],
    ['CACHE_TTL_SECONDS', '0', /^CACHE_TTL_SECONDS must be an integer from 1 to/],
    ['SHIPPING_FLAT_FEE', '-100', /^SHIPPING_FLAT_FEE must be an integer from 0 to/],
    ['MEDIA_MAX_BYTES', '10', /^MEDIA_MAX_BYTES must be an integer from 1024 to/],
    ['JWT_ACCESS_TTL', '15 minutes', /^JWT_ACCESS_TTL must be a duration like 900, 15m/],
    ['JWT_REFRESH_TTL', '0', /^JWT_REFRESH_TTL must be a duration/],
    ['TRUST_PROXY', 'maybe', /^TRUST_PROXY must be false, a number of proxies \(1 to 32\)/],
    ['TRUST_PROXY', '10.0.0.0/33', /^TRUST_PROXY must be false, a number of proxies/],
    ['TRUST_PROXY', '99', /^TRUST_PROXY must be false, a number of proxies/],
    [
      'TRUST_PROXY',
      'true',
      /^TRUST_PROXY=true would believe every X-Forwarded-For hop.*TRUST_PROXY=1/,
    ],
    ['RATE_LIMIT', '-1', /^RATE_LIMIT must be an integer from 0 to/],
    ['REFRESH_REUSE_GRACE', 'soon', /^REFRESH_REUSE_GRACE must be a duration/],
    ['SOCKETS_PER_USER', '0', /^SOCKETS_PER_USER must be an integer from 1 to/],
    ['MEDIA_MAX_PIXELS', '0', /^MEDIA_MAX_PIXELS must be an integer from 1 to/],
    ['DEMO_ENABLED', 'perhaps', /^DEMO_ENABLED must be true or false/],
    ['RETENTION_NOTIFICATIONS', '0', /^RETENTION_NOTIFICATIONS must be a duration/],
    ['CATALOG_CACHE', 'sometimes', /^CATALOG_CACHE must be true or false/],
    [
      'DATABASE_PREPARED_STATEMENTS',
      'yes please',
      /^DATABASE_PREPARED_STATEMENTS must be true or false/,
    ],
    ['CURRENCY', 'dollars', /^CURRENCY must be an ISO 4217 code/],
    ['CORS_ORIGINS', 'shop.example', /^CORS_ORIGINS entries must be origins like https:\/\//],
    ['CORS_ORIGINS', 'https://shop.example/path', /^CORS_ORIGINS entries must be origins/],
    ['TAX_RATE_PERCENT', '101', /^TAX_RATE_PERCENT must be a percentage from 0 to 100/],
    ['TAX_RATE_PERCENT', '8.255', /^TAX_RATE_PERCENT must be a percentage/],
    ['PASSWORD_HASH_COST', '9', /^PASSWORD_HASH_COST must be an integer from 10 to 20/],
    ['JOBS_WORKERS', 'sometimes', /^JOBS_WORKERS must be true or false/],
    ['JOBS_POLL_INTERVAL', '0', /^JOBS_POLL_INTERVAL must be a duration/],
    ['JOBS_MONITOR_INTERVAL', 'often', /^JOBS_MONITOR_INTERVAL must be a duration/],
    ['JOBS_CONCURRENCY', '0', /^JOBS_CONCURRENCY must be an integer from 1 to 100/],
    ['JOBS_POOL_SIZE', '1', /^JOBS_POOL_SIZE must be an integer from 2 to 100/],
    ['JOBS_SCHEMA', 'pg-boss; DROP', /^JOBS_SCHEMA must be a lower-case SQL name/],
    ['WEBHOOK_ALLOW_PRIVATE_TARGETS', 'maybe', /^WEBHOOK_ALLOW_PRIVATE_TARGETS must be true or/],
    ['WEBHOOK_TIMEOUT', '0', /^WEBHOOK_TIMEOUT must be a duration/],
    ['WEBHOOK_MAX_ATTEMPTS', '0', /^WEBHOOK_MAX_ATTEMPTS must be an integer from 1 to 100/],
    ['WEBHOOK_RETRY_BASE', 'soon', /^WEBHOOK_RETRY_BASE must be a duration/],
    ['WEBHOOK_RETRY_MAX_DELAY', '-1h', /^WEBHOOK_RETRY_MAX_DELAY must be a duration/],
    ['WEBHOOK_DISABLE_AFTER', 'never', /^WEBHOOK_DISABLE_AFTER must be a duration/],
    ['WEBHOOK_SECRET_ROTATION_GRACE', '1w', /^WEBHOOK_SECRET_ROTATION_GRACE must be a duration/],
  ])('rejects %s=%s with a message naming it', (name, value, message) => {
    expect(problemsOf({ [name]: value })).toEqual([expect.stringMatching(message)]);
  });

  it('rejects ADMIN_EMAIL without ADMIN_PASSWORD and the reverse', () => {
    const together = 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together';
    expect(problemsOf({ ADMIN_EMAIL: 'admin@shop.example' })).toEqual([together]);
    expect(problemsOf({ ADMIN_PASSWORD: 'Adm1n-pass-word' })).toEqual([together]);
  });

  it('reports every bad variable at once, each on its own line of the message', () => {
    let error: unknown;
    try {
      loadConfig({
        EMBEDDED_PG_DIR: scratchDataDir(),
        PORT: 'abc',
        DATABASE_URL: 'mysql://root@db/shop',
        LOG_LEVEL: 'verbose',
        AUTH_RATE_LIMIT: '-1',
        JWT_ACCESS_TTL: 'soon',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    const named = problems.map((p) => p.split(' ')[0]).sort();
    expect(named).toEqual([
      'AUTH_RATE_LIMIT',
      'DATABASE_URL',
      'JWT_ACCESS_TTL',
      'LOG_LEVEL',
      'PORT',
    ]);
    expect(message.split('\n')).toEqual([
      'Invalid configuration:',
      ...problems.map((p) => `  - ${p}`),
    ]);
  });
});

describe('loadConfig: production', () => {
  const production = (env: Env = {}): Env => ({
    NODE_ENV: 'production',
    JWT_SECRET: PRODUCTION_SECRET,
    DATABASE_URL: 'postgres://shop@db.internal:5432/shop',
    ...env,
  });

  it('refuses to start without a DATABASE_URL (no embedded PostgreSQL in production)', () => {
    for (const DATABASE_URL of [undefined, '  ']) {
      expect(problemsOf(production({ DATABASE_URL }))).toEqual([
        'DATABASE_URL is required when NODE_ENV=production',
      ]);
    }
  });

  it('refuses to start without a JWT_SECRET of its own', () => {
    expect(problemsOf(production({ JWT_SECRET: undefined }))).toEqual([
      'JWT_SECRET is required when NODE_ENV=production',
    ]);
    expect(problemsOf(production({ JWT_SECRET: '   ' }))).toEqual([
      'JWT_SECRET is required when NODE_ENV=production',
    ]);
  });

  it('refuses the formerly committed development secret even when set explicitly', () => {
    expect(problemsOf(production({ JWT_SECRET: PUBLISHED_JWT_SECRETS[0] }))).toEqual([
      'JWT_SECRET is a published example secret: generate your own',
    ]);
  });

  it('refuses a secret shorter than 32 characters', () => {
    expect(problemsOf(production({ JWT_SECRET: 'x'.repeat(31) }))).toEqual([
      'JWT_SECRET must be at least 32 characters when NODE_ENV=production',
    ]);
    expect(loadConfig(production({ JWT_SECRET: 'x'.repeat(32) })).jwtSecret).toBe('x'.repeat(32));
  });

  it('reports a weak secret together with the other bad variables', () => {
    const problems = problemsOf(production({ JWT_SECRET: 'short', PORT: 'abc' }));
    expect(problems).toEqual([
      'JWT_SECRET must be at least 32 characters when NODE_ENV=production',
      expect.stringMatching(/^PORT /),
    ]);
  });

  it('refuses a password hashing cost below the production floor (fast hashes are for tests)', () => {
    expect(problemsOf(production({ PASSWORD_HASH_COST: '14' }))).toEqual([
      'PASSWORD_HASH_COST must be at least 15 when NODE_ENV=production (lower values are for test suites only)',
    ]);
    expect(loadConfig(production({ PASSWORD_HASH_COST: '16' })).passwordHashCost).toBe(16);
    expect(loadConfig(production()).passwordHashCost).toBe(15);
  });

  it('accepts a valid production configuration', () => {
    const config = loadConfig(
      production({
        PORT: '8080',
        HOST: '127.0.0.1',
        DATABASE_URL: 'postgresql://shop:secret@db.internal:5432/shop',
        REDIS_URL: 'rediss://cache.internal:6380/2',
        CORS_ORIGINS: 'https://shop.example, https://admin.shop.example',
        LOG_LEVEL: 'info',
        TRUST_PROXY: '10.0.0.0/8, 192.168.1.10,loopback',
        JWT_ACCESS_TTL: '10m',
        JWT_REFRESH_TTL: '7d',
        AUTH_RATE_LIMIT: '0',
        TAX_RATE_PERCENT: '8.25',
        CURRENCY: 'eur',
      }),
    );
    expect(config).toMatchObject({
      nodeEnv: 'production',
      port: 8080,
      host: '127.0.0.1',
      databaseUrl: 'postgresql://shop:secret@db.internal:5432/shop',
      redisUrl: 'rediss://cache.internal:6380/2',
      jwtSecret: PRODUCTION_SECRET,
      corsOrigins: ['https://shop.example', 'https://admin.shop.example'],
      logLevel: 'info',
      trustProxy: ['10.0.0.0/8', '192.168.1.10', 'loopback'],
      jwtAccessTtl: 600,
      jwtRefreshTtl: 7 * 86400,
      authRateLimit: 0,
      taxRateBasisPoints: 825,
      currency: 'EUR',
    });
  });

  it('allows no cross-origin caller unless CORS_ORIGINS lists them', () => {
    expect(loadConfig(production()).corsOrigins).toEqual([]);
    expect(loadConfig({ EMBEDDED_PG_DIR: scratchDataDir() }).corsOrigins).toBe(true);
  });

  it('listens on every interface and hides the demo page by default', () => {
    expect(loadConfig(production())).toMatchObject({
      host: '0.0.0.0',
      demoEnabled: false,
      docsEnabled: true,
    });
    expect(loadConfig(production({ DEMO_ENABLED: 'true', DOCS_ENABLED: 'false' }))).toMatchObject({
      demoEnabled: true,
      docsEnabled: false,
    });
  });

  it('reads TRUST_PROXY as a hop count or a list, never as "trust everyone"', () => {
    expect(loadConfig(production({ TRUST_PROXY: '1' })).trustProxy).toBe(1);
    expect(loadConfig(production({ TRUST_PROXY: 'false' })).trustProxy).toBe(false);
    expect(loadConfig(production({ TRUST_PROXY: '::1,fd00::/8' })).trustProxy).toEqual([
      '::1',
      'fd00::/8',
    ]);
  });
});

describe('loadConfig: defaults', () => {
  it('starts a newcomer with nothing set: embedded PostgreSQL, in-memory cache, private host', () => {
    const embeddedDataDir = scratchDataDir();
    const config = loadConfig({ EMBEDDED_PG_DIR: embeddedDataDir });
    expect(config).toMatchObject({
      nodeEnv: 'development',
      port: 3000,
      host: '127.0.0.1',
      databaseUrl: undefined,
      embeddedDataDir,
      redisUrl: undefined,
      trustProxy: false,
      rateLimit: 1200,
      refreshReuseGrace: 30,
      socketsPerUser: 20,
      demoEnabled: true,
      shutdownGraceMs: 8000,
      jwtAccessTtl: 900,
      jwtRefreshTtl: 30 * 86400,
      logLevel: 'info',
      seedDemoData: true,
    });
  });

  it('makes a random JWT secret once, beside the embedded data, readable by its owner only', () => {
    const embeddedDataDir = scratchDataDir();
    const first = loadConfig({ EMBEDDED_PG_DIR: embeddedDataDir }).jwtSecret;
    const file = join(embeddedDataDir, '..', 'jwt-secret');
    expect(first).toMatch(/^[\w-]{64}$/);
    expect(readFileSync(file, 'utf8').trim()).toBe(first);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // A restart reads the same secret (tokens survive); another data directory gets another.
    expect(loadConfig({ EMBEDDED_PG_DIR: embeddedDataDir }).jwtSecret).toBe(first);
    expect(loadConfig({ EMBEDDED_PG_DIR: scratchDataDir() }).jwtSecret).not.toBe(first);
    expect(PUBLISHED_JWT_SECRETS).not.toContain(first);
  });

  it('accepts 0 to mean strict refresh rotation and no scheduled retention', () => {
    const config = loadConfig({
      EMBEDDED_PG_DIR: scratchDataDir(),
      REFRESH_REUSE_GRACE: '0',
      RETENTION_INTERVAL: '0',
    });
    expect(config.refreshReuseGrace).toBe(0);
    expect(config.retention.intervalSeconds).toBe(0);
  });

  it('logs text on a terminal and JSON elsewhere (and in tests), unless LOG_FORMAT says', () => {
    const format = (isTTY: boolean, env: Env = {}): string => {
      const before = process.stdout.isTTY;
      process.stdout.isTTY = isTTY;
      try {
        return loadConfig({ EMBEDDED_PG_DIR: scratchDataDir(), ...env }).logFormat;
      } finally {
        process.stdout.isTTY = before;
      }
    };
    expect(format(true)).toBe('pretty');
    expect(format(false)).toBe('json');
    expect(format(true, { NODE_ENV: 'test' })).toBe('json');
    expect(format(true, { LOG_FORMAT: 'json' })).toBe('json');
    expect(format(false, { LOG_FORMAT: 'pretty' })).toBe('pretty');
  });

  it('treats empty and blank values as unset', () => {
    const config = loadConfig({
      EMBEDDED_PG_DIR: scratchDataDir(),
      PORT: '',
      DATABASE_URL: '  ',
      LOG_LEVEL: '',
      REDIS_URL: '',
    });
    expect(config).toMatchObject({
      port: 3000,
      databaseUrl: undefined,
      redisUrl: undefined,
      logLevel: 'info',
    });
  });
});
