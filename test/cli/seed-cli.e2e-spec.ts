import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runMigrations } from '@/database/database.runtime.js';
import { isolatedRedisUrl, redisIt, warnWithoutRedis } from '../support/redis.js';
import { xCache } from '../catalog/catalog-expect.js';
import { createScratchDatabase, type ScratchDatabase } from '../database/scratch-database.js';
import { type Build, sharedBuild } from '../support/shared-build.js';
import { createTestAppOn } from '../support/test-app.js';
import { runCli } from './run-cli.js';

/**
 * `npm run seed` is the built `dist/src/cli/seed.js`: demo products are for a demo or a
 * benchmark, so with NODE_ENV=production it refuses (exit 2, before connecting) unless `--force`.
 * It seeds a scratch database of its own: the run's database is shared with suites that count
 * their own products.
 */

const USAGE = 'usage: npm run seed -- [--products N] [--force]';
const REFUSAL =
  'refusing to seed demo products: NODE_ENV=production, so this looks like a real shop. ' +
  'Add --force if this database should get them.';
/** What production's configuration needs besides the database. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-test-only-secret-of-forty-characters-x',
  REDIS_URL: undefined,
  LOG_LEVEL: 'warn',
};
const DATABASE_DOWN = 'postgres://postgres@127.0.0.1:1/x';
/** Far above a refusal (about a second), far below TypeOrmModule's ~30 s of retries. */
const EXIT_BOUND_MS = 15_000;
const SEED_BOUND_MS = 60_000;
/** Redis database 3: no other suite uses it, so nothing else bumps its generations mid-test. */
const REDIS_DB = 3;

describe('seed CLI (built)', () => {
  let build: Build | undefined;
  let script: string;
  let scratch: ScratchDatabase | undefined;
  const seed = (args: string[], env: Record<string, string | undefined>, timeoutMs: number) =>
    runCli(script, args, env, timeoutMs);

  beforeAll(async () => {
    build = await sharedBuild();
    script = join(build.main, '..', 'cli', 'seed.js');
    scratch = await createScratchDatabase('seed_cli');
    await runMigrations(scratch.url);
  }, 300_000);
  afterAll(async () => {
    await scratch?.drop();
  });
  warnWithoutRedis('the seed CLI case with a shared cache');

  it('refuses NODE_ENV=production without --force: exit 2, saying why, before connecting', async () => {
    const run = await seed(
      ['--products', '3'],
      { ...PRODUCTION, DATABASE_URL: DATABASE_DOWN },
      EXIT_BOUND_MS,
    );
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `${REFUSAL}\n${USAGE}\n` });
  });

  it('refuses NODE_ENV=production without --force, leaving the database empty', async () => {
    const run = await seed(
      ['--products', '3'],
      { ...PRODUCTION, DATABASE_URL: scratch!.url },
      EXIT_BOUND_MS,
    );
    expect(run).toMatchObject({ code: 2, stderr: `${REFUSAL}\n${USAGE}\n` });
    expect(await productCount(scratch!.url)).toBe(0);
  });

  it(
    'seeds with NODE_ENV=production and --force',
    async () => {
      const run = await seed(
        ['--products', '3', '--force'],
        { ...PRODUCTION, DATABASE_URL: scratch!.url },
        SEED_BOUND_MS,
      );
      expect(run).toMatchObject({ code: 0 });
      // Its last line; warnings of the app's modules (printed by Nest to stdout) may come before.
      expect(run.stdout).toMatch(/(^|\n)seeded 3 new products \(0 already there\) in \d+\.\d s\n$/);
      expect(await productCount(scratch!.url)).toBe(3);
    },
    SEED_BOUND_MS,
  );

  // A write made outside HTTP bumps the shared cache after its commit (CatalogCache.bump): an
  // instance that cached the list before the seed answers the seeded products right after it.
  redisIt(
    'leaves no stale cache: a product list an instance cached before the seed shows the new products',
    async () => {
      const redisUrl = isolatedRedisUrl(REDIS_DB)!;
      const t = await createTestAppOn(scratch!.url, { REDIS_URL: redisUrl });
      try {
        const url = '/api/products?pageSize=100';
        const first = await t.http.get(url).expect(200);
        const cached = await t.http.get(url).expect(200);
        expect(xCache(cached)).toBe('HIT');
        const before = (cached.body as { total: number }).total;
        const run = await seed(
          ['--products', String(before + 2)],
          { DATABASE_URL: scratch!.url, REDIS_URL: redisUrl, LOG_LEVEL: 'warn' },
          SEED_BOUND_MS,
        );
        expect(run).toMatchObject({ code: 0 });
        expect(run.stdout).toMatch(/(^|\n)seeded 2 new products /);
        const after = await t.http.get(url).expect(200);
        expect(xCache(after)).toBe('MISS');
        expect((after.body as { total: number }).total).toBe(before + 2);
        expect(after.headers.etag).not.toBe(first.headers.etag);
      } finally {
        await t.close();
      }
    },
    SEED_BOUND_MS * 2,
  );
});

async function productCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
    return rows[0].n;
  } finally {
    await client.end();
  }
}
