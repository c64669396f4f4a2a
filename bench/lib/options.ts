import { parseArgs } from 'node:util';

export type Mode = 'quick' | 'full' | 'large';

/** Everything a run's size depends on; `--quick` shrinks it to a CI smoke test. */
export interface BenchOptions {
  mode: Mode;
  products: number;
  /** PostgreSQL URL of the bench database (dropped and created fresh by the run). */
  databaseUrl: string;
  redisUrl: string;
  /** Seconds of each measured autocannon run, and of its warm-up. */
  durationS: number;
  warmupS: number;
  /** app/bare alternations of the ceiling comparisons. */
  rounds: number;
  connections: number;
  /** Connections of the uncached (database-bound) latency runs. */
  latencyConnections: number;
  buyers: number;
  checkoutDurationS: number;
  /** Stock of the hot product: the buyers go on until it is sold out (409s) or hotCapS passes. */
  hotStock: number;
  hotCapS: number;
  /** Socket counts on one instance, then the count on instance B for the cross-instance run. */
  socketCounts: number[];
  crossSockets: number;
  notificationSamples: number;
  /** The whole run (after the build) must end within this, or it fails and cleans up. */
  budgetS: number;
  keepDatabase: boolean;
}

export const USAGE = `usage: npm run bench [-- --quick | --large | --products N] [--keep-db]
  (default)  100,000 products, 10,000 sockets, 10 s runs (about 15 minutes)
  --quick    CI smoke test: 5,000 products, 200 sockets, 1 s runs; asserts no request failed
  --products N  the full run on a catalog of N products (1,000 to 2,000,000)
  --large    the same as --products 1000000 (seeding alone takes minutes)
  --keep-db  leave the bench database in place afterwards (debugging)
  --budget S fail (and clean up) when the run takes longer than S seconds (default: quick 100,
             full 2400, large 5400; the build before it is not counted)
env: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/shop_bench; its database is
     dropped and re-created), BENCH_REDIS_URL (default redis://127.0.0.1:6379/15)`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      large: { type: 'boolean', default: false },
      products: { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
      budget: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  if ([values.quick, values.large, values.products !== undefined].filter(Boolean).length > 1)
    throw new Error('--quick, --large and --products exclude each other');
  const products = values.large
    ? 1_000_000
    : values.products === undefined
      ? 100_000
      : Number(values.products);
  if (!Number.isInteger(products) || products < 1_000 || products > 2_000_000)
    throw new Error('--products takes a whole number from 1000 to 2000000');
  const budget = values.budget === undefined ? undefined : Number(values.budget);
  if (budget !== undefined && !(budget > 0)) throw new Error('--budget takes seconds');
  const databaseUrl = env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/shop_bench';
  // Redis database 15 by default: the test suites running on this machine use database 0, and
  // their catalog writes would bump the shared cache generations in the middle of a run.
  const redisUrl = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/15';
  const common = { databaseUrl, redisUrl, keepDatabase: values['keep-db'], connections: 64 };
  const withBudget = (o: BenchOptions): BenchOptions => ({ ...o, budgetS: budget ?? o.budgetS });
  if (values.quick) {
    return withBudget({
      ...common,
      mode: 'quick',
      products: 5_000,
      durationS: 1,
      warmupS: 0.5,
      rounds: 2,
      latencyConnections: 8,
      buyers: 64,
      checkoutDurationS: 1.5,
      hotStock: 120,
      hotCapS: 20,
      socketCounts: [200],
      crossSockets: 200,
      notificationSamples: 20,
      // A smoke test: generous, so a busy CI machine never fails it for time (about a minute idle).
      budgetS: 240,
    });
  }
  return withBudget({
    ...common,
    mode: products > 100_000 ? 'large' : 'full',
    products,
    durationS: 10,
    warmupS: 2,
    rounds: 3,
    latencyConnections: 8,
    buyers: 64,
    checkoutDurationS: 15,
    hotStock: 2_000,
    hotCapS: 60,
    socketCounts: [1_000, 10_000],
    crossSockets: 10_000,
    notificationSamples: 300,
    budgetS: products > 100_000 ? 5_400 : 2_400,
  });
}
