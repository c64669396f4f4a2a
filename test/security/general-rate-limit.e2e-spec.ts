import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Response } from 'supertest';
import { ProductsService } from '@/catalog/products/products.service.js';
import { isolatedRedisUrl } from '../support/redis.js';
import { catalogBuilders } from '../catalog/catalog-builders.js';
import { xCache } from '../catalog/catalog-expect.js';
import { expectError } from '../support/expect-error.js';
import { createTestApp, freshIp, type TestApp } from '../support/test-app.js';

/**
 * RATE_LIMIT: requests a minute per client on every route, counted in each instance's memory.
 * The limited app only ever sees the tests' requests, each client a fresh X-Forwarded-For address
 * (TRUST_PROXY=1); the data is made through a second, unlimited app on the same database and
 * Redis (its own Redis database, so the catalog cache stays warm between a test's reads).
 */
const LIMIT = 5;
const REDIS_URL = isolatedRedisUrl(9);

describe('general rate limit (RATE_LIMIT)', () => {
  let t: TestApp;
  let builder: TestApp;
  beforeAll(async () => {
    builder = await createTestApp({ REDIS_URL });
    t = await createTestApp({ RATE_LIMIT: String(LIMIT), TRUST_PROXY: '1', REDIS_URL });
  });
  afterAll(async () => {
    await Promise.all([t?.close(), builder?.close()]);
  });

  const get = (app: TestApp, path: string, ip: string) =>
    app.http.get(path).set('X-Forwarded-For', ip);

  const expectRateLimited = (res: Response): void => {
    expectError(res, 429, 'RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('answers the request past RATE_LIMIT a minute with 429, Retry-After and the usual headers', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i += 1) await get(t, '/api/categories', ip).expect(200);
    const limited = await get(t, '/api/categories', ip).set('Origin', 'https://shop.example');
    expectRateLimited(limited);
    expect(limited.body.message).toBe('Too many requests, slow down and retry later');
    // A browser client can read it (CORS), and it is as hardened as any other answer.
    expect(limited.headers['access-control-allow-origin']).toBe('https://shop.example');
    expect(limited.headers['access-control-expose-headers']).toMatch(/Retry-After/i);
    expect(limited.headers['x-content-type-options']).toBe('nosniff');
    expect(limited.headers['content-security-policy']).toBeDefined();
  });

  it('limits cached catalog reads that the fast path answers, before it looks in the cache', async () => {
    const catalog = await catalogBuilders(builder);
    const product = await catalog.product({ categoryId: (await catalog.category()).id });
    const url = `/api/products/${product.slug}`;
    // Nest answers the first read (a MISS) and the fast path remembers the URL.
    expect(xCache(await get(t, url, freshIp()).expect(200))).toBe('MISS');
    const slugOf = jest.spyOn(t.app.get(ProductsService), 'slugOf');
    try {
      const ip = freshIp();
      const reads: Array<string | undefined> = [];
      for (let i = 0; i < LIMIT; i += 1) reads.push(xCache(await get(t, url, ip).expect(200)));
      expect(reads).toEqual(Array<string>(LIMIT).fill('HIT'));
      expect(slugOf).not.toHaveBeenCalled(); // each was the fast path's, not Nest's
      expectRateLimited(await get(t, url, ip));
    } finally {
      slugOf.mockRestore();
    }
  });

  it('spends one budget across every route: API, docs, media and unknown URLs', async () => {
    const ip = freshIp();
    // A made-up URL under /health/ is an unknown URL like any other, not a probe.
    const paths = ['/api/brands', '/docs-json', '/media/nothing.png', '/health/nothing', '/demo'];
    const statuses = [];
    for (const path of paths) statuses.push((await get(t, path, ip)).status);
    expect(statuses).toEqual([200, 200, 404, 404, 200]);
    expectRateLimited(await get(t, '/docs', ip));
    expectRateLimited(await get(t, '/media/nothing.png', ip));
  });

  it('never limits the health probes or the Prometheus scrape', async () => {
    const ip = freshIp();
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      for (let i = 0; i < 2 * LIMIT; i += 1) await get(t, path, ip).expect(200);
    }
    // Nor were they counted: the client still has its whole budget for the API.
    for (let i = 0; i < LIMIT; i += 1) await get(t, '/api/categories', ip).expect(200);
    expectRateLimited(await get(t, '/api/categories', ip));
  });

  it('gives every client a budget of its own, whatever first hops it forges', async () => {
    const spent = freshIp();
    for (let i = 0; i < LIMIT; i += 1) await get(t, '/api/brands', spent).expect(200);
    expectRateLimited(await get(t, '/api/brands', spent));
    // The one trusted proxy saw `spent`: a made-up address before it buys nothing.
    expectRateLimited(await get(t, '/api/brands', `${freshIp()}, ${spent}`));
    await get(t, '/api/brands', freshIp()).expect(200);
    await get(t, '/api/brands', `${spent}, ${freshIp()}`).expect(200);
  });

  it('is off with RATE_LIMIT=0', async () => {
    // `builder` runs with RATE_LIMIT=0 (the test apps' default): more than the default budget.
    const ip = freshIp();
    const statuses = new Set<number>();
    for (let sent = 0; sent < 1_250; sent += 25) {
      const batch = Array.from({ length: 25 }, () => get(builder, '/no/such/route', ip));
      for (const res of await Promise.all(batch)) statuses.add(res.status);
    }
    expect([...statuses]).toEqual([404]);
  });
});
