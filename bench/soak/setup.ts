import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type pg from 'pg';
import { Api, mapLimit, type Session } from '../lib/http.js';
import { type Child, freePort, type Processes, rssMb, waitReady } from '../lib/processes.js';
import type { Report } from '../lib/report.js';
import { createFreshDatabase } from '../lib/database.js';
import type { SoakOptions } from './options.js';
import type { World } from './workload.js';

const PASSWORD = 'Soak-buyer-pass-42';
const HOT_PRODUCTS = 6;
const HOT_STOCK = 25;
const REGULAR_PRODUCTS = 60;
const REGULAR_STOCK = 100_000;

/** Exactly what the app and its CLIs get: nothing of the caller's environment leaks in. */
function appEnv(options: SoakOptions, jwtSecret: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    JWT_SECRET: jwtSecret,
    // Sockets are disconnected when their token expires: outlive the longest soak.
    JWT_ACCESS_TTL: '24h',
    LOG_LEVEL: 'warn',
    // One client address drives the whole workload: the per-client limits would refuse it.
    AUTH_RATE_LIMIT: '0',
    GUEST_CART_RATE_LIMIT: '0',
    RATE_LIMIT: '0',
    UPLOAD_RATE_LIMIT: '0',
    SOCKETS_PER_USER: '10000',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    HOST: '127.0.0.1',
  };
}

export interface Setup {
  api: Api;
  app: Child;
  pid: number;
  idleRssMb: number;
  db: pg.Pool;
  staff: Session[];
  buyers: Session[];
  catalog: World['catalog'];
  initialStock: Map<string, number>;
}

async function session(
  api: Api,
  db: pg.Pool,
  role: 'customer' | 'staff' | 'admin',
): Promise<Session> {
  const email = `${role}-${randomUUID().slice(0, 12)}@soak.test`;
  const registered = await api.register(email, PASSWORD);
  if (role === 'customer') return registered;
  await db.query('UPDATE users SET role = $1 WHERE id = $2', [role, registered.userId]);
  return api.login(email, PASSWORD);
}

/**
 * A fresh soak database, migrated and seeded with the app's own CLIs; the app started; the admin,
 * staff and buyers registered through the API; the hot and regular products given their stock;
 * the stock of every product recorded.
 */
export async function setup(
  build: string,
  options: SoakOptions,
  processes: Processes,
  report: Report,
  jwtSecret: string,
  db: pg.Pool,
  started: { app?: Child },
): Promise<Setup> {
  const env = appEnv(options, jwtSecret);
  console.log(
    `• database ${new URL(options.databaseUrl).pathname.slice(1)}: fresh, migrated, ${options.products.toLocaleString('en')} products`,
  );
  report.machine.postgres = await createFreshDatabase(options.databaseUrl, 'soak');
  await processes.run('migrate', [join(build, 'src/cli/migrate.js')], env, 120_000);
  await processes.run(
    'seed',
    [join(build, 'src/cli/seed.js'), '--force', '--products', String(options.products)],
    env,
    600_000,
  );

  const port = await freePort();
  const app = processes.start('app', ['--trace-gc', join(build, 'src/main.js')], {
    ...env,
    PORT: String(port),
  });
  started.app = app;
  const url = `http://127.0.0.1:${port}`;
  const startupMs = await waitReady(app, `${url}/health/ready`, 120_000);
  await sleep(2_000);
  const idleRssMb = rssMb(app.pid);
  console.log(`• app ready in ${startupMs.toFixed(0)} ms, idle RSS ${idleRssMb.toFixed(0)} MB`);
  const api = new Api(url);

  const admin = await session(api, db, 'admin');
  const staff = await mapLimit(Array.from({ length: options.staff }), 2, () =>
    session(api, db, 'staff'),
  );
  const buyers = await mapLimit(Array.from({ length: options.buyers }), 4, () =>
    session(api, db, 'customer'),
  );

  const { rows: products } = await db.query<{ id: string; slug: string }>(
    `SELECT id, slug FROM products WHERE is_active ORDER BY random() LIMIT 500`,
  );
  const { rows: categories } = await db.query<{ slug: string }>(
    `SELECT slug FROM categories WHERE is_active`,
  );
  if (products.length < HOT_PRODUCTS + REGULAR_PRODUCTS)
    throw new Error('too few active products: raise --products');
  const hot = products.slice(0, HOT_PRODUCTS).map((p) => p.id);
  const regular = products.slice(HOT_PRODUCTS, HOT_PRODUCTS + REGULAR_PRODUCTS).map((p) => p.id);
  // Through the API, as staff would: the cached product details are invalidated too.
  await mapLimit(hot, 4, (id) => api.setStock(admin, id, HOT_STOCK));
  await mapLimit(regular, 4, (id) => api.setStock(admin, id, REGULAR_STOCK));
  const { rows: stock } = await db.query<{ id: string; stock: number }>(
    'SELECT id, stock FROM products',
  );
  return {
    api,
    app,
    pid: app.pid,
    idleRssMb,
    db,
    staff,
    buyers,
    catalog: {
      slugs: products.map((p) => p.slug),
      categories: categories.map((c) => c.slug),
      hot,
      regular,
    },
    initialStock: new Map(stock.map((r) => [r.id, r.stock])),
  };
}
