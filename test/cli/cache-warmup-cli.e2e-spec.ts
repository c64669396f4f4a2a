import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { catalogBuilders } from '../catalog/catalog-builders.js';
import { WARMUP_TIMEOUT_MS } from '../catalog/catalog-cache-support.js';
import { isolatedRedisUrl, redisIt, warnWithoutRedis } from '../support/redis.js';
import { xCache } from '../catalog/catalog-expect.js';
import { type Build, sharedBuild } from '../support/shared-build.js';
import { createTestApp } from '../support/test-app.js';
import { runCli } from './run-cli.js';

/**
 * `npm run cache:warmup` is the built `dist/src/cli/cache-warmup.js`, run before a deploy takes
 * traffic: it fills the shared Redis cache that the instances then answer from, shows progress on
 * stderr, prints what it warmed and a summary line, and fails fast (and says why) when it cannot
 * reach the database or Redis.
 */

const USAGE = [
  'usage: npm run cache:warmup -- [--pages N] [--details N]            (from a build)',
  '       npx nest start cache-warmup -- [--pages N] [--details N]     (from source)',
].join('\n');
const PROGRESS_LINE = /^cache warmup: (\d+) requests \(\d+\.\d s\)$/;

/** Redis database 14: no other suite uses it, so nothing else bumps its generations mid-test. */
const REDIS_DB = 14;
/** Failures must come well before TypeOrmModule's ~30 s of connection retries. */
const FAILURE_BOUND_MS = 15_000;

interface TableRow {
  target: string;
  requests: number;
  filled: number;
  alreadyWarm: number;
}

interface Summary {
  keys: number;
  filled: number;
  alreadyWarm: number;
  where: string;
}

/** The summary the CLI ends its output with, or `undefined` when the last line is not one. */
function summaryOf(stdout: string): Summary | undefined {
  const match =
    /\nwarmed (\d+) keys in \d+\.\d s: (\d+) filled, (\d+) already warm \((.+)\)\n$/.exec(stdout);
  if (!match) return undefined;
  const [, keys, filled, alreadyWarm, where] = match;
  return { keys: Number(keys), filled: Number(filled), alreadyWarm: Number(alreadyWarm), where };
}

/** The request counts of the progress lines, failing on any other line (a warning, an error). */
function progressOf(stderr: string): number[] {
  return stderr
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const match = PROGRESS_LINE.exec(line);
      if (!match) throw new Error(`not a progress line on stderr: ${line}`);
      return Number(match[1]);
    });
}

/** The rows of the `console.table` the CLI prints. */
function tableRows(stdout: string): TableRow[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('│') && !line.includes('(index)'))
    .map((line) => {
      const [, , target, requests, filled, alreadyWarm] = line.split('│').map((c) => c.trim());
      return {
        target: target.replace(/^'|'$/g, ''),
        requests: Number(requests),
        filled: Number(filled),
        alreadyWarm: Number(alreadyWarm),
      };
    });
}

describe('cache-warmup CLI (built)', () => {
  const databaseUrl = process.env.TEST_DATABASE_URL as string;
  let build: Build | undefined;
  let script: string;
  const warmup = (args: string[], env: Record<string, string | undefined>, timeoutMs: number) =>
    runCli(script, args, { DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn', ...env }, timeoutMs);

  beforeAll(async () => {
    warnWithoutRedis('the cache-warmup CLI test that fills Redis for another instance');
    build = await sharedBuild();
    script = join(build.main, '..', 'cli', 'cache-warmup.js');
    // Migrates the run's database (the CLI, like the server on DATABASE_URL, expects that).
    const t = await createTestApp();
    await t.close();
  }, 300_000);
  redisIt(
    'fills Redis, prints what it warmed with counts, and another instance answers HIT from it',
    async () => {
      const redisUrl = isolatedRedisUrl(REDIS_DB);
      // Writes bump the catalog's generations: nothing on this Redis database is warm after them.
      const writer = await createTestApp({ REDIS_URL: redisUrl });
      let categorySlug: string;
      try {
        const b = await catalogBuilders(writer);
        const category = await b.category();
        const brand = await b.brand();
        // Three, so that `--details 3` has three even on a database of this suite's own.
        for (const price of [1900, 2900, 3900])
          await b.product({ categoryId: category.id, brandId: brand.id, price });
        categorySlug = category.slug;
      } finally {
        await writer.close();
      }

      const run = await warmup(
        ['--pages', '2', '--details', '3'],
        { REDIS_URL: redisUrl },
        WARMUP_TIMEOUT_MS,
      );
      expect(run.code).toBe(0);
      progressOf(run.stderr);
      const rows = tableRows(run.stdout);
      expect(rows.map((r) => r.target)).toEqual([
        'categories',
        'brands',
        'featured products',
        'product list, pages 1–2',
        'first page of each category',
        'first page of each brand',
        '3 most recent product details',
      ]);
      for (const row of rows) {
        expect(row).toEqual({ ...row, filled: row.requests, alreadyWarm: 0 });
        expect(row.requests).toBeGreaterThan(0);
      }
      const byTarget = new Map(rows.map((r) => [r.target, r]));
      expect(byTarget.get('featured products')?.requests).toBe(1);
      expect(byTarget.get('product list, pages 1–2')?.requests).toBe(2);
      // The list of categories plus each category's own page, and one first page per category.
      expect(byTarget.get('categories')?.requests).toBe(
        (byTarget.get('first page of each category')?.requests ?? 0) + 1,
      );
      const total = rows.reduce((sum, r) => sum + r.requests, 0);
      expect(summaryOf(run.stdout)).toEqual({
        keys: total,
        filled: total,
        alreadyWarm: 0,
        where: 'Redis',
      });

      const reader = await createTestApp({ REDIS_URL: redisUrl });
      try {
        for (const url of [
          '/api/products?page=1',
          '/api/products?page=2',
          '/api/products/featured',
          '/api/categories',
          `/api/categories/${categorySlug}/products`,
        ]) {
          const res = await reader.http.get(url).expect(200);
          expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'HIT' });
        }
      } finally {
        await reader.close();
      }

      const again = await warmup(
        ['--pages', '2', '--details', '3'],
        { REDIS_URL: redisUrl },
        WARMUP_TIMEOUT_MS,
      );
      expect(again.code).toBe(0);
      const listRow = tableRows(again.stdout).find((r) => r.target === 'product list, pages 1–2');
      expect(listRow).toEqual({ ...listRow, filled: 0, alreadyWarm: 2 });
      const second = summaryOf(again.stdout);
      expect(second?.alreadyWarm).toBeGreaterThanOrEqual(2);
      expect(second).toEqual({ ...second, keys: second!.filled + second!.alreadyWarm });
    },
    WARMUP_TIMEOUT_MS * 3,
  );

  it(
    'without REDIS_URL warms its own in-memory cache and says that is only a check',
    async () => {
      const run = await warmup(
        ['--pages', '1', '--details', '0'],
        { REDIS_URL: undefined },
        WARMUP_TIMEOUT_MS,
      );
      expect(run.code).toBe(0);
      progressOf(run.stderr);
      const rows = tableRows(run.stdout);
      expect(rows.find((r) => r.target === 'product list, pages 1–1')).toMatchObject({
        requests: 1,
      });
      expect(summaryOf(run.stdout)?.where).toBe(
        'in-memory: this process only, so only useful as a check',
      );
    },
    WARMUP_TIMEOUT_MS,
  );

  it(
    'shows progress on stderr every 100 requests and ends with a summary of what it warmed',
    async () => {
      // 100 list pages (empty ones answer 200 too), so at least one progress line however small
      // the catalog is.
      const run = await warmup(
        ['--pages', '100', '--details', '0'],
        { REDIS_URL: undefined },
        WARMUP_TIMEOUT_MS,
      );
      expect(run.code).toBe(0);
      const summary = summaryOf(run.stdout);
      const total = tableRows(run.stdout).reduce((sum, r) => sum + r.requests, 0);
      expect(summary).toMatchObject({ keys: total, filled: total, alreadyWarm: 0 });
      expect(total).toBeGreaterThanOrEqual(100);
      const every100 = Array.from({ length: Math.floor(total / 100) }, (_, i) => (i + 1) * 100);
      expect(progressOf(run.stderr)).toEqual(every100);
    },
    WARMUP_TIMEOUT_MS,
  );

  it.each(['--help', '-h'])(
    '%s prints the usage and options to stdout, exit 0, without connecting',
    async (flag) => {
      const run = await warmup(
        ['--pages', '0', flag],
        { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', REDIS_URL: undefined },
        FAILURE_BOUND_MS,
      );
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.startsWith(`${USAGE}\n\n`)).toBe(true);
      expect(run.stdout).toContain('--pages N');
      expect(run.stdout).toContain('--details N');
    },
  );

  it('exits 1 quickly with a clear message when the database cannot be reached', async () => {
    const run = await warmup(
      [],
      { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/x', REDIS_URL: undefined },
      FAILURE_BOUND_MS,
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cache warmup failed: the database at DATABASE_URL cannot be reached \(connect ECONNREFUSED 127\.0\.0\.1:1\)\n$/,
    );
    expect(run.ms).toBeLessThan(FAILURE_BOUND_MS);
  });

  it('exits 1 with a clear message when Redis cannot be reached', async () => {
    // Nothing listens on port 1: every connection is refused at once.
    const run = await warmup([], { REDIS_URL: 'redis://127.0.0.1:1' }, FAILURE_BOUND_MS);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(
      /^cache warmup failed: Redis at REDIS_URL cannot be reached \(.+\): nothing to warm\n$/,
    );
    expect(run.stdout).not.toContain('warmed');
    expect(run.ms).toBeLessThan(FAILURE_BOUND_MS);
  });

  it('exits 2 with the usage on an unknown option', async () => {
    const run = await warmup(['--bogus'], { REDIS_URL: undefined }, FAILURE_BOUND_MS);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`Unknown option '--bogus'\n${USAGE}\n`);
  });

  it('exits 2 with the usage on an out-of-range option', async () => {
    const run = await warmup(['--pages', '0'], { REDIS_URL: undefined }, FAILURE_BOUND_MS);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`--pages must be 1–100 and --details 0–10000\n${USAGE}\n`);
  });
});
