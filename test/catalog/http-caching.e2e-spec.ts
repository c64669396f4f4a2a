import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Response } from 'supertest';
import { ProductsService } from '@/catalog/products/products.service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type CatalogBuilders, catalogBuilders } from './catalog-builders.js';
import { isolatedRedisUrl, redisIt, warnWithoutRedis } from '../support/redis.js';
import { allowFastifyInject } from './catalog-cache-support.js';
import { xCache } from './catalog-expect.js';

/**
 * HTTP caching of the public catalog reads: a strong ETag stored with each cached body (so the
 * fast path computes nothing), `Cache-Control` for browsers and CDNs, 304 for a matching
 * `If-None-Match` on both paths; staff and personalised answers `private, no-store`.
 * `ProductsService.slugOf` runs on every product detail read that reaches Nest, so a spy on it
 * tells which path answered.
 */

const PUBLIC = 'public, max-age=30, stale-while-revalidate=60';
const PRIVATE = 'private, no-store';
const STRONG_ETAG = /^"[\w-]{27}"$/;

const etag = (res: Response): string => {
  const value: unknown = res.headers.etag;
  if (typeof value !== 'string') throw new Error(`no ETag on ${res.status}`);
  return value;
};
const varies = (res: Response): string[] =>
  String(res.headers.vary ?? '')
    .split(',')
    .map((f) => f.trim().toLowerCase());

describe('HTTP caching of catalog reads', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  let slugOf: ReturnType<typeof jest.spyOn>;
  let categoryId: string;
  const redisUrl = isolatedRedisUrl(4);
  const newProduct = (body: Record<string, unknown> = {}) => b.product({ categoryId, ...body });
  const remembered = async (url: string): Promise<Response> => {
    await t.http.get(url).expect(200);
    const hit = await t.http.get(url).expect(200);
    slugOf.mockClear();
    return hit;
  };

  beforeAll(async () => {
    await allowFastifyInject();
    t = await createTestApp({ REDIS_URL: redisUrl });
    b = await catalogBuilders(t);
    categoryId = (await b.category()).id;
    slugOf = jest.spyOn(t.app.get(ProductsService), 'slugOf');
  });
  afterEach(() => slugOf.mockClear());
  afterAll(async () => {
    slugOf.mockRestore();
    await t.close();
  });
  warnWithoutRedis('the two-instance ETag case');

  it('sends one strong ETag and a CDN Cache-Control on every read of an unchanged product', async () => {
    const { slug } = await newProduct();
    const url = `/api/products/${slug}`;
    const miss = await t.http.get(url).expect(200);
    const hit = await t.http.get(url).expect(200);
    const fast = await t.http.get(url).expect(200);
    expect([xCache(miss), xCache(hit), xCache(fast)]).toEqual(['MISS', 'HIT', 'HIT']);
    expect(slugOf).toHaveBeenCalledTimes(1); // the miss was remembered: then the fast path
    expect(etag(miss)).toMatch(STRONG_ETAG);
    for (const res of [miss, hit, fast]) {
      expect(etag(res)).toBe(etag(miss));
      expect(res.headers['cache-control']).toBe(PUBLIC);
      expect(varies(res)).toContain('authorization');
      expect(res.text).toBe(miss.text);
    }
    // A customer's token changes nothing in the body: the same public answer.
    const customer = await t.createUser();
    const asCustomer = await t.http.get(url).set('Authorization', customer.auth).expect(200);
    expect(etag(asCustomer)).toBe(etag(miss));
    expect(asCustomer.headers['cache-control']).toBe(PUBLIC);
  });

  it('tags the lists, categories and brands too', async () => {
    const brand = await b.brand();
    await newProduct({ brandId: brand.id });
    for (const url of [
      '/api/products?pageSize=5',
      '/api/products/featured',
      '/api/categories',
      '/api/brands',
      `/api/brands/${brand.slug}`,
      `/api/brands/${brand.slug}/products`,
    ]) {
      const res = await t.http.get(url).expect(200);
      expect({ url, etag: etag(res), cacheControl: res.headers['cache-control'] }).toEqual({
        url,
        etag: expect.stringMatching(STRONG_ETAG),
        cacheControl: PUBLIC,
      });
    }
  });

  it('answers a matching If-None-Match with 304 on the fast path, 200 on a mismatch', async () => {
    const { slug } = await newProduct();
    const url = `/api/products/${slug}`;
    const tag = etag(await remembered(url));
    for (const header of [tag, `W/${tag}`, `"nope", ${tag}`, '*']) {
      const res = await t.http.get(url).set('If-None-Match', header).expect(304);
      expect(res.text).toBe('');
      expect(res.headers['content-length']).toBeUndefined();
      expect(etag(res)).toBe(tag);
      expect(res.headers['cache-control']).toBe(PUBLIC);
      expect(varies(res)).toContain('authorization');
      expect(res.headers['x-request-id']).toBeDefined();
    }
    expect(slugOf).not.toHaveBeenCalled();
    const other = await t.http.get(url).set('If-None-Match', '"nope"').expect(200);
    expect(etag(other)).toBe(tag);
    expect(JSON.parse(other.text)).toMatchObject({ slug });
  });

  it('answers 304 on the Nest path too, for a miss that refills the cache with the same body', async () => {
    const { slug } = await newProduct();
    const url = `/api/products/${slug}`;
    const tag = etag(await t.http.get(url).expect(200));
    // Another product's write bumps every detail: this one is refilled, with the same bytes.
    await newProduct();
    const res = await t.http.get(url).set('If-None-Match', tag).expect(304);
    expect(xCache(res)).toBe('MISS');
    expect(etag(res)).toBe(tag);
    expect(res.text).toBe('');
    expect(slugOf).toHaveBeenCalled();
  });

  it('changes the ETag when a write changes the body: the old tag then gets a 200', async () => {
    const product = await newProduct({ price: 1500 });
    const url = `/api/products/${product.slug}`;
    const old = etag(await remembered(url));
    await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ price: 999 })
      .expect(200);
    const after = await t.http.get(url).set('If-None-Match', old).expect(200);
    expect(after.body).toMatchObject({ price: 999 });
    expect(etag(after)).not.toBe(old);
    await t.http.get(url).set('If-None-Match', etag(after)).expect(304);
  });

  it('never makes a staff answer public, nor answers it 304 from the public tag', async () => {
    const { slug } = await newProduct();
    const url = `/api/products/${slug}`;
    const tag = etag(await remembered(url));
    for (const target of [
      url,
      '/api/products?includeInactive=true',
      '/api/categories?includeInactive=true',
    ]) {
      const res = await t.http
        .get(target)
        .set('Authorization', b.staff.auth)
        .set('If-None-Match', tag)
        .expect(200);
      expect(xCache(res)).toBe('BYPASS');
      expect(res.headers['cache-control']).toBe(PRIVATE);
      expect(res.headers.etag).toBeUndefined();
      expect(varies(res)).toContain('authorization');
    }
  });

  it('sends private, no-store on personalised answers and errors', async () => {
    const customer = await t.createUser();
    const me = await t.http.get('/api/me').set('Authorization', customer.auth).expect(200);
    expect(me.headers['cache-control']).toBe(PRIVATE);
    const cart = await t.http.get('/api/cart').set('Authorization', customer.auth).expect(200);
    expect(cart.headers['cache-control']).toBe(PRIVATE);
    const missing = await t.http.get('/api/products/no-such-product-anywhere').expect(404);
    expect(missing.headers['cache-control']).toBe(PRIVATE);
    expect(missing.headers.etag).toBeUndefined();
  });

  it('answers HEAD with the headers of GET and no body, and 304 on a match', async () => {
    const { slug } = await newProduct();
    const url = `/api/products/${slug}`;
    const tag = etag(await remembered(url));
    const head = await t.http.head(url).expect(200);
    expect(head.text ?? '').toBe('');
    expect(etag(head)).toBe(tag);
    expect(head.headers['cache-control']).toBe(PUBLIC);
    expect(slugOf).not.toHaveBeenCalled();
    const notModified = await t.http.head(url).set('If-None-Match', tag).expect(304);
    expect(etag(notModified)).toBe(tag);
    expect(slugOf).not.toHaveBeenCalled();
  });

  redisIt('gives two instances on one Redis the same ETag, and both see a write', async () => {
    const second = await createTestApp({ REDIS_URL: redisUrl });
    try {
      const product = await newProduct();
      const url = `/api/products/${product.slug}`;
      const onFirst = await t.http.get(url).expect(200);
      const onSecond = await second.http.get(url).expect(200);
      expect(xCache(onSecond)).toBe('HIT');
      expect(etag(onSecond)).toBe(etag(onFirst));
      await second.http.get(url).set('If-None-Match', etag(onFirst)).expect(304);
      await t.http
        .patch(`/api/products/${product.id}`)
        .set('Authorization', b.staff.auth)
        .send({ name: 'Renamed on the first instance' })
        .expect(200);
      const changed = await second.http.get(url).set('If-None-Match', etag(onFirst)).expect(200);
      expect(changed.body).toMatchObject({ name: 'Renamed on the first instance' });
      expect(etag(await t.http.get(url).expect(200))).toBe(etag(changed));
    } finally {
      await second.close();
    }
  });
});

describe('HTTP caching settings', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ HTTP_CACHE_MAX_AGE: '0', HTTP_CACHE_SWR: '0' });
  });
  afterAll(() => t.close());

  it('HTTP_CACHE_MAX_AGE=0: public answers are stored but revalidated every time', async () => {
    const res = await t.http.get('/api/categories').expect(200);
    expect(res.headers['cache-control']).toBe('public, no-cache');
    await t.http.get('/api/categories').set('If-None-Match', etag(res)).expect(304);
  });
});
