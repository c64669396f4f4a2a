import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { warmCatalogCache } from '@/catalog/cache/cache-warmup.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type CatalogBuilders,
  catalogBuilders,
  type ProductBody,
  type ProductPage,
} from './catalog-builders.js';
import { PrivateRedis, REDIS_SERVER } from '../support/processes.js';
import { isolatedRedisUrl, redisIt, warnWithoutRedis } from '../support/redis.js';
import {
  allowFastifyInject,
  recordRecentSlugs,
  WARMUP_TIMEOUT_MS,
} from './catalog-cache-support.js';
import { xCache } from './catalog-expect.js';

const SHARED = '[needs REDIS_URL: skipped without it]';

/** A category, a brand and a product (price 2500) of their own, built through `b`. */
async function shop(b: CatalogBuilders, product: Partial<ProductBody> = {}) {
  const category = await b.category();
  const brand = await b.brand();
  const made = await b.product({
    categoryId: category.id,
    brandId: brand.id,
    price: 2500,
    ...product,
  });
  return {
    category,
    brand,
    product: made,
    list: `/api/products?category=${category.slug}`,
    detail: `/api/products/${made.slug}`,
  };
}

const patchPrice = (t: TestApp, b: CatalogBuilders, id: string, price: number) =>
  t.http.patch(`/api/products/${id}`).set('Authorization', b.staff.auth).send({ price });

describe('catalog cache: two instances sharing Redis', () => {
  let a: TestApp;
  let other: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    warnWithoutRedis('the catalog cache tests of two instances sharing Redis');
    const url = isolatedRedisUrl(12);
    if (!url) return;
    await allowFastifyInject();
    a = await createTestApp({ REDIS_URL: url });
    other = await createTestApp({ REDIS_URL: url });
    b = await catalogBuilders(a);
  });
  afterAll(async () => {
    await a?.close();
    await other?.close();
  });

  redisIt(
    `shows a price change made through one instance at once through the other ${SHARED}`,
    async () => {
      const s = await shop(b);
      for (const url of [s.list, s.detail]) {
        await other.http.get(url).expect(200);
        expect(xCache(await other.http.get(url).expect(200))).toBe('HIT');
      }
      await patchPrice(a, b, s.product.id, 2600).expect(200);
      const detail = await other.http.get(s.detail).expect(200);
      expect(detail.body.price).toBe(2600);
      const list = await other.http.get(s.list).expect(200);
      expect(list.body.items[0].price).toBe(2600);
    },
  );

  redisIt(
    `shows a price change made through one instance on the other's very next featured, category and brand list ${SHARED}`,
    async () => {
      const s = await shop(b, { isFeatured: true });
      const lists = [
        '/api/products/featured?limit=50',
        `/api/categories/${s.category.slug}/products`,
        `/api/brands/${s.brand.slug}/products`,
      ];
      const priceIn = (body: unknown) =>
        (body as ProductPage).items.find((p) => p.id === s.product.id)?.price;
      for (const url of lists) {
        await other.http.get(url).expect(200);
        const warm = await other.http.get(url).expect(200);
        expect({ url, cache: xCache(warm), price: priceIn(warm.body) }).toEqual({
          url,
          cache: 'HIT',
          price: 2500,
        });
      }
      await patchPrice(a, b, s.product.id, 2600).expect(200);
      for (const url of lists) {
        const res = await other.http.get(url).expect(200);
        expect({ url, price: priceIn(res.body) }).toEqual({ url, price: 2600 });
      }
    },
  );

  redisIt(`answers HIT on one instance for a key the other filled ${SHARED}`, async () => {
    const s = await shop(b);
    for (const url of [s.list, s.detail, `/api/categories/${s.category.slug}/products`]) {
      const filled = await a.http.get(url).expect(200);
      expect(xCache(filled)).toBe('MISS');
      const hit = await other.http.get(url).expect(200);
      expect({ url, cache: xCache(hit) }).toEqual({ url, cache: 'HIT' });
      expect(hit.text).toBe(filled.text);
    }
  });

  redisIt(
    `serves on the other instance the keys warmed on one ${SHARED}`,
    async () => {
      const s = await shop(b);
      const detailSlugs = recordRecentSlugs(a);
      await warmCatalogCache(a.app, { pages: 2, details: 5 });
      const warmed = [
        '/api/products?page=1',
        '/api/products?page=2',
        '/api/products/featured',
        '/api/categories',
        '/api/brands',
        `/api/categories/${s.category.slug}/products`,
        `/api/brands/${s.brand.slug}/products`,
        ...detailSlugs().map((slug) => `/api/products/${slug}`),
      ];
      for (const url of warmed) {
        const res = await other.http.get(url).expect(200);
        expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'HIT' });
      }
    },
    WARMUP_TIMEOUT_MS,
  );
});

describe('catalog cache: Redis unreachable', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('answers public reads from the database with X-Cache BYPASS', async () => {
    const s = await shop(b);
    for (const url of [s.list, s.detail, '/api/categories', '/api/products/featured']) {
      const res = await t.http.get(url).expect(200);
      expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'BYPASS' });
    }
    const list = await t.http.get(s.list).expect(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: s.product.id, price: 2500 }] });
  });

  it('accepts writes and shows them on the next read', async () => {
    const s = await shop(b);
    await t.http.get(s.detail).expect(200);
    const res = await patchPrice(t, b, s.product.id, 2700);
    expect(res.status).toBe(200);
    expect(res.body.price).toBe(2700);
    const read = await t.http.get(s.detail).expect(200);
    expect(read.body.price).toBe(2700);
  });

  it('stays ready on /health/ready and reports Redis down', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
      details: { database: { status: 'up' }, redis: { status: 'down' } },
    });
  });
});

describe('catalog cache: a private Redis that dies and comes back', () => {
  const serverIt = REDIS_SERVER ? it : it.skip;
  let redis: PrivateRedis | undefined;
  let t: TestApp | undefined;
  beforeAll(() => {
    if (!REDIS_SERVER) {
      // eslint-disable-next-line no-console -- a skipped test must be seen
      console.warn('no redis-server binary: SKIPPED the Redis outage and recovery test');
    }
  });
  afterAll(async () => {
    await t?.close();
    await redis?.dispose();
  });

  serverIt(
    'keeps reads and writes working while Redis is down, and caches again once it is back [needs redis-server]',
    async () => {
      redis = await PrivateRedis.start();
      t = await createTestApp({ REDIS_URL: redis.url });
      const app = t;
      const b = await catalogBuilders(app);
      const s = await shop(b);
      expect(xCache(await app.http.get(s.list).expect(200))).toBe('MISS');
      expect(xCache(await app.http.get(s.list).expect(200))).toBe('HIT');

      await redis.kill();
      for (const url of [s.list, s.detail]) {
        const res = await app.http.get(url).expect(200);
        expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'BYPASS' });
      }
      await patchPrice(app, b, s.product.id, 2800).expect(200);
      const during = await app.http.get(s.list).expect(200);
      expect(during.body.items[0].price).toBe(2800);
      const health = await app.http.get('/health/ready').expect(200);
      expect(health.body.details.redis.status).toBe('down');

      await redis.start();
      let after = await app.http.get(s.list).expect(200);
      // Reconnection backs off up to 2 s, and the bump missed during the outage is retried each second.
      for (let waited = 0; xCache(after) === 'BYPASS' && waited < 15_000; waited += 200) {
        await new Promise((resolve) => setTimeout(resolve, 200));
        after = await app.http.get(s.list).expect(200);
      }
      expect(xCache(after)).toBe('MISS');
      expect(after.body.items[0].price).toBe(2800);
      const hit = await app.http.get(s.list).expect(200);
      expect(xCache(hit)).toBe('HIT');
      expect(hit.body.items[0].price).toBe(2800);
      const ready = await app.http.get('/health/ready').expect(200);
      expect(ready.body.details.redis.status).toBe('up');
    },
    60_000,
  );
});
