import { it } from '@jest/globals';

/*
 * The run's Redis (REDIS_URL) as suites use it: tests that need it, loud skips without it, and
 * a logical database per suite where a suite must not share cache generations.
 */

/** The machine's Redis, when the run was given one. */
export const SHARED_REDIS_URL = process.env.REDIS_URL;

/** `it` with `REDIS_URL` set, else `it.skip`: tests that need instances sharing a real Redis. */
export const redisIt = SHARED_REDIS_URL ? it : it.skip;

/** Says loudly which tests a suite skips for want of `REDIS_URL` (a skip must never be silent). */
export function warnWithoutRedis(what: string): void {
  if (SHARED_REDIS_URL) return;
  // eslint-disable-next-line no-console -- the one place a skipped test must be seen
  console.warn(`REDIS_URL is unset: SKIPPED ${what}. Set REDIS_URL to run them.`);
}

/**
 * `REDIS_URL` on logical database `db`, or undefined without `REDIS_URL` (in-memory cache).
 * Generations are shared by everything on one Redis database: a suite that expects a HIT after
 * a MISS gets a database of its own, so writes of suites running beside it cannot bump its
 * namespaces in between. Each suite that calls this must pass a number nobody else uses. In use:
 *   0 the run's shared Redis        2 scripts/image-test.sh          3 the seed CLI
 *   4 catalog http-caching          5 variants-crud                  6 catalog-fast-path
 *   7 media catalog-images          8 notifications socket-limit     9 security general-rate-limit
 *   10 the soak (bench/soak)        11, 12 catalog caches            14 the cache-warmup CLI
 *   15 the bench
 * Free: 1, 13.
 */
export function isolatedRedisUrl(db: number): string | undefined {
  if (!SHARED_REDIS_URL) return undefined;
  const url = new URL(SHARED_REDIS_URL);
  url.pathname = `/${db}`;
  return url.toString();
}
