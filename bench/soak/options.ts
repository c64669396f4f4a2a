import { parseArgs } from 'node:util';

/** Everything a soak run depends on (bench/soak/README.md). */
export interface SoakOptions {
  minutes: number;
  products: number;
  /** PostgreSQL URL of the soak database: dropped and created fresh by every run. */
  databaseUrl: string;
  redisUrl: string;
  /** Concurrent actors of each kind. */
  browsers: number;
  buyers: number;
  staff: number;
  /** Background sockets (tokens minted with the run's secret) that connect, idle and leave. */
  backgroundSockets: number;
  /** Memory is flat when the RSS slope over the last half stays below this (MB per minute)… */
  maxSlopeMbPerMin: number;
  /** …and the last quarter's median RSS exceeds the first quarter's by at most this (percent). */
  maxGrowthPct: number;
  keepDatabase: boolean;
}

export const USAGE = `usage: npm run soak -- [--minutes N] [--products N] [--keep-db]
  --minutes N          how long the mixed workload runs (default 10; local only, not in CI)
  --products N         demo catalog size (default 5000)
  --browsers N         anonymous browsing loops (default 6)
  --buyers N           registered buyers: cart, checkout, own cancels, sockets (default 12)
  --staff N            staff loops moving orders, singly and in bulk (default 2)
  --sockets N          background sockets connecting and leaving (default 30)
  --max-slope MB       memory flat: RSS slope over the last half, MB/min (default 3)
  --max-growth PCT     memory flat: last vs first quarter median RSS, percent (default 10)
  --keep-db            leave the soak database in place afterwards
env: SOAK_DATABASE_URL (default: DATABASE_URL's server, else postgres://postgres@127.0.0.1:5432,
     with the database shop_soak; its name must contain "soak": it is dropped and re-created),
     SOAK_REDIS_URL (default REDIS_URL, else redis://127.0.0.1:6379/10)`;

function positive(name: string, raw: string | undefined, fallback: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > max)
    throw new Error(`--${name} takes a number above 0 and at most ${max} (got "${raw}")`);
  return value;
}

function whole(name: string, raw: string | undefined, fallback: number, max: number): number {
  const value = positive(name, raw, fallback, max);
  if (!Number.isInteger(value)) throw new Error(`--${name} takes a whole number (got "${raw}")`);
  return value;
}

/** The soak database's URL: its own database on the server the environment names. */
function soakDatabaseUrl(env: NodeJS.ProcessEnv): string {
  if (env.SOAK_DATABASE_URL) return env.SOAK_DATABASE_URL;
  const url = new URL(env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/shop_soak';
  return url.toString();
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): SoakOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    options: {
      minutes: { type: 'string' },
      products: { type: 'string' },
      browsers: { type: 'string' },
      buyers: { type: 'string' },
      staff: { type: 'string' },
      sockets: { type: 'string' },
      'max-slope': { type: 'string' },
      'max-growth': { type: 'string' },
      'keep-db': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) return 'help';
  return {
    minutes: positive('minutes', values.minutes, 10, 24 * 60),
    products: whole('products', values.products, 5_000, 1_000_000),
    databaseUrl: soakDatabaseUrl(env),
    redisUrl: env.SOAK_REDIS_URL ?? env.REDIS_URL ?? 'redis://127.0.0.1:6379/10',
    browsers: whole('browsers', values.browsers, 6, 200),
    buyers: whole('buyers', values.buyers, 12, 200),
    staff: whole('staff', values.staff, 2, 20),
    backgroundSockets: whole('sockets', values.sockets, 30, 5_000),
    maxSlopeMbPerMin: positive('max-slope', values['max-slope'], 3, 1_000),
    maxGrowthPct: positive('max-growth', values['max-growth'], 10, 1_000),
    keepDatabase: values['keep-db'],
  };
}
