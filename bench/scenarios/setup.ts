import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import type { AppServer, BenchContext, RedisClient, Server } from '../lib/context.js';
import { createFreshDatabase, openPool } from '../lib/database.js';
import { Api, mapLimit } from '../lib/http.js';
import type { BenchOptions } from '../lib/options.js';
import { freePort, type Processes, RssSampler, rssMb, waitReady } from '../lib/processes.js';
import type { Report } from '../lib/report.js';

/** Every variable the app's configuration reads: none of the caller's leaks into a child. */
const APP_VARIABLES = [
  'NODE_ENV',
  'PORT',
  'HOST',
  'DATABASE_URL',
  'EMBEDDED_PG_DIR',
  'DATABASE_POOL_SIZE',
  'DATABASE_PREPARED_STATEMENTS',
  'SEED_DEMO_DATA',
  'REDIS_URL',
  'JWT_SECRET',
  'JWT_ACCESS_TTL',
  'JWT_REFRESH_TTL',
  'ADMIN_EMAIL',
  'ADMIN_PASSWORD',
  'CORS_ORIGINS',
  'CACHE_TTL_SECONDS',
  'CURRENCY',
  'AUTH_RATE_LIMIT',
  'GUEST_CART_RATE_LIMIT',
  'TRUST_PROXY',
  'RATE_LIMIT',
  'UPLOAD_RATE_LIMIT',
  'REFRESH_REUSE_GRACE',
  'SOCKETS_PER_USER',
  'MEDIA_DIR',
  'MEDIA_MAX_BYTES',
  'MEDIA_MAX_PIXELS',
  'DEMO_ENABLED',
  'DOCS_ENABLED',
  'SHUTDOWN_GRACE',
  'RETENTION_INTERVAL',
  'RETENTION_REFRESH_TOKENS',
  'RETENTION_IDEMPOTENCY_KEYS',
  'RETENTION_NOTIFICATIONS',
  'RETENTION_GUEST_CARTS',
  'RETENTION_ORPHAN_UPLOADS',
  'RETENTION_OUTBOX_EVENTS',
  'RETENTION_WEBHOOK_DELIVERIES',
  'RETENTION_ACCOUNT_TOKENS',
  'MIGRATE_ON_START',
  'JOBS_WORKERS',
  'JOBS_POLL_INTERVAL',
  'JOBS_MONITOR_INTERVAL',
  'JOBS_CONCURRENCY',
  'JOBS_POOL_SIZE',
  'JOBS_SCHEMA',
  'WEBHOOK_ALLOW_PRIVATE_TARGETS',
  'WEBHOOK_TIMEOUT',
  'WEBHOOK_MAX_ATTEMPTS',
  'WEBHOOK_RETRY_BASE',
  'WEBHOOK_RETRY_MAX_DELAY',
  'WEBHOOK_DISABLE_AFTER',
  'WEBHOOK_SECRET_ROTATION_GRACE',
  'SMTP_URL',
  'MAIL_FROM',
  'MAIL_DIR',
  'MAIL_TEMPLATES_DIR',
  'PUBLIC_URL',
  'PASSWORD_RESET_TTL',
  'EMAIL_VERIFICATION_TTL',
  'PASSWORD_RESET_RATE_LIMIT',
  'REQUIRE_EMAIL_VERIFICATION',
  'LOG_LEVEL',
  'CATALOG_CACHE',
  'SHIPPING_FLAT_FEE',
  'FREE_SHIPPING_THRESHOLD',
  'TAX_RATE_PERCENT',
];
/**
 * The apps' RATE_LIMIT: on, so that every request pays for its count, but never reached (all the
 * load comes from one address). `BENCH_RATE_LIMIT=0` turns it off, to measure what counting costs.
 */
const RATE_LIMIT = process.env.BENCH_RATE_LIMIT ?? '100000000';
const PASSWORD = 'Bench-buyer-pass-42';

const DISTINCT_STOCK = 1_000_000;
/** Idle RSS is read this long after ready: start-up garbage collected, nothing served yet. */
const SETTLE_MS = 2_000;

export interface Environment {
  /** The compiled app and bench (src/, migrations/, bench/). */
  build: string;
  options: BenchOptions;
  processes: Processes;
  report: Report;
}

function appEnv(
  options: BenchOptions,
  jwtSecret: string,
  mailDir: string,
  extra: Record<string, string>,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of APP_VARIABLES) delete env[name];
  return {
    ...env,
    NODE_ENV: 'production',
    // The outbox as production runs it: workers in the instance (dispatch, emails, webhooks) on
    // the default schema; emails written to a directory of the run (no SMTP_URL: no network
    // peer to measure, and the repository's .data/mail stays untouched); every buyer may check
    // out unverified; no webhook endpoint is registered (fan-out finds none).
    JOBS_WORKERS: 'true',
    JOBS_SCHEMA: 'pgboss',
    MAIL_DIR: mailDir,
    MAIL_FROM: 'Bench shop <no-reply@bench.test>',
    PUBLIC_URL: 'https://shop.bench.test',
    REQUIRE_EMAIL_VERIFICATION: 'false',
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false',
    JWT_SECRET: jwtSecret,
    // Sockets are disconnected when their token expires: outlive the longest run.
    JWT_ACCESS_TTL: '4h',
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT: '0',
    GUEST_CART_RATE_LIMIT: '0',
    RATE_LIMIT,
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    HOST: '127.0.0.1',
    // Cached keys must outlive the cached-read runs (the bare server reads one fixed key).
    CACHE_TTL_SECONDS: '3600',
    ...extra,
  };
}

async function startServer(
  env: Environment,
  name: string,
  script: string,
  vars: NodeJS.ProcessEnv,
  readyPath: string,
  port: number,
): Promise<Server> {
  const child = env.processes.start(name, [join(env.build, script)], vars);
  const url = `http://127.0.0.1:${port}`;
  const startupMs = await waitReady(child, `${url}${readyPath}`, 120_000);
  await sleep(env.options.mode === 'quick' ? SETTLE_MS / 2 : SETTLE_MS);
  const server = { name, child, url, startupMs, idleRssMb: rssMb(child.pid) };
  console.log(
    `    ${name} ready in ${startupMs.toFixed(0)} ms, idle RSS ${server.idleRssMb.toFixed(0)} MB`,
  );
  return server;
}

/**
 * A fresh bench database, migrated and seeded with the app's own CLIs; app A (cache on), the bare
 * server and app B (cache off) started as child processes; an admin and the buyers registered
 * through the API; the checkout products given a known stock.
 */
export async function setup(env: Environment): Promise<BenchContext> {
  const { options, processes, report } = env;
  const jwtSecret = randomBytes(48).toString('base64url');
  // In the run's directory: removed with the logs.
  const mailDir = join(processes.logDir, 'mail');
  const cliEnv = appEnv(options, jwtSecret, mailDir, {});

  console.log(
    `• database ${new URL(options.databaseUrl).pathname.slice(1)}: fresh, migrated, ${options.products.toLocaleString('en')} products`,
  );
  report.machine.postgres = await createFreshDatabase(options.databaseUrl);
  const redis: RedisClient = createClient({ url: options.redisUrl });
  redis.on('error', () => undefined);
  await redis.connect();
  report.machine.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
  const db = openPool(options.databaseUrl, 4);
  try {
    await processes.run('migrate', [join(env.build, 'src/cli/migrate.js')], cliEnv, 120_000);
    const [portA, portB, portBare] = [await freePort(), await freePort(), await freePort()];
    // B boots while the catalog is seeded (its start-up time is noted, not a figure); A starts
    // alone afterwards, so that its start-up time and idle memory are undisturbed.
    const startingB = startServer(
      env,
      'app-b',
      'src/main.js',
      appEnv(options, jwtSecret, mailDir, { PORT: String(portB), CATALOG_CACHE: 'false' }),
      '/health/ready',
      portB,
    );
    startingB.catch(() => undefined); // awaited below; a failure meanwhile must not go unhandled
    const seedStarted = performance.now();
    // --force: the apps run with NODE_ENV=production, where the seed refuses demo products unasked.
    await processes.run(
      'seed',
      [join(env.build, 'src/cli/seed.js'), '--products', String(options.products), '--force'],
      cliEnv,
      options.budgetS * 1000,
    );
    report.data.seedSeconds = (performance.now() - seedStarted) / 1000;
    report.add({
      key: 'seed_s',
      figure: `seeding ${options.products.toLocaleString('en')} products (seed CLI, app B booting beside it)`,
      value: report.data.seedSeconds as number,
      unit: 's',
      detail: `${Math.round(options.products / (report.data.seedSeconds as number)).toLocaleString('en')} products/s`,
    });
    const b = await startingB;

    const a = await startServer(
      env,
      'app-a',
      'src/main.js',
      appEnv(options, jwtSecret, mailDir, { PORT: String(portA) }),
      '/health/ready',
      portA,
    );
    const bare = await startServer(
      env,
      'bare',
      'bench/bare-server.js',
      { ...process.env, BARE_PORT: String(portBare), BARE_REDIS_URL: options.redisUrl },
      '/health/live',
      portBare,
    );
    const apiA = new Api(a.url);

    const adminEmail = `admin-${randomUUID().slice(0, 8)}@bench.test`;
    const registered = await apiA.register(adminEmail, PASSWORD);
    await db.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [registered.userId]);
    const admin = await apiA.login(adminEmail, PASSWORD);
    const buyers = await mapLimit(Array.from({ length: options.buyers }), 4, () =>
      apiA.register(`buyer-${randomUUID().slice(0, 12)}@bench.test`, PASSWORD),
    );

    const candidates = await apiA.products(options.buyers + 2);
    if (candidates.length < options.buyers + 2)
      throw new Error('not enough products in stock to set up checkout');
    const products = {
      distinct: candidates.slice(0, options.buyers),
      hot: candidates[options.buyers],
      detail: candidates[options.buyers + 1],
    };
    await mapLimit(products.distinct, 8, (p) => apiA.setStock(admin, p.id, DISTINCT_STOCK));
    await apiA.setStock(admin, products.hot.id, options.hotStock);

    const startApp = async (name: string, extra: Record<string, string>): Promise<AppServer> => {
      const port = await freePort();
      const vars = appEnv(options, jwtSecret, mailDir, { PORT: String(port), ...extra });
      const server = await startServer(env, name, 'src/main.js', vars, '/health/ready', port);
      return { ...server, api: new Api(server.url) };
    };
    const appA: AppServer = { ...a, api: apiA };
    const appB: AppServer = { ...b, api: new Api(b.url) };
    return {
      options,
      processes,
      report,
      a: appA,
      b: appB,
      bare,
      rssA: new RssSampler(a.child.pid),
      db,
      redis,
      jwtSecret,
      admin,
      buyers,
      products,
      stock: { distinct: DISTINCT_STOCK, hot: options.hotStock },
      startApp,
    };
  } catch (error) {
    await db.end().catch(() => undefined);
    await redis.close().catch(() => undefined);
    throw error;
  }
}
