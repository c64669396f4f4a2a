import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ProductListReader } from '@/catalog/products/product-list.reader.js';
import { ProductsService } from '@/catalog/products/products.service.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type CatalogBuilders, catalogBuilders } from './catalog-builders.js';
import { isolatedRedisUrl } from '../support/redis.js';
import { allowFastifyInject } from './catalog-cache-support.js';
import { expectError, xCache } from './catalog-expect.js';

/**
 * CatalogFastPath: an anonymous GET whose exact URL Nest has already answered from the cache is
 * answered from a Fastify hook, without the Nest pipeline, for as long as its cache slot holds.
 * `ProductsService.slugOf` runs on every product detail read that reaches the controller, so a
 * spy on it tells which path answered.
 */
describe('catalog fast path', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  let slugOf: ReturnType<typeof jest.spyOn>;
  let categoryId: string;
  const newProduct = (body: Record<string, unknown> = {}) => b.product({ categoryId, ...body });
  beforeAll(async () => {
    await allowFastifyInject();
    t = await createTestApp({ REDIS_URL: isolatedRedisUrl(6) });
    b = await catalogBuilders(t);
    categoryId = (await b.category()).id;
    slugOf = jest.spyOn(t.app.get(ProductsService), 'slugOf');
  });
  afterEach(() => slugOf.mockClear());
  afterAll(async () => {
    slugOf.mockRestore();
    await t.close();
  });

  it('answers a repeated anonymous read without Nest, with the same body and headers', async () => {
    const product = await newProduct({ price: 1500 });
    const url = `/api/products/${product.slug}`;
    const first = await t.http.get(url).expect(200);
    expect(xCache(first)).toBe('MISS');
    expect(slugOf).toHaveBeenCalledTimes(1);
    const second = await t.http.get(url).expect(200);
    expect(slugOf).toHaveBeenCalledTimes(1);
    expect(xCache(second)).toBe('HIT');
    expect(second.text).toBe(first.text);
    expect(second.headers['content-type']).toBe('application/json; charset=utf-8');
    for (const header of ['x-request-id', 'content-security-policy', 'x-content-type-options'])
      expect(second.headers[header]).toBeDefined();
    // Every header Nest's answer had (security, CORS, caching), and no other, whatever is added later.
    expect(Object.keys(second.headers).sort()).toEqual(Object.keys(first.headers).sort());
  });

  it('answers from one Redis round trip, and loads its script again after SCRIPT FLUSH', async () => {
    const redis = t.app.get<RedisClient | null>(REDIS_CLIENT);
    if (!redis) {
      // eslint-disable-next-line no-console -- a skipped case says so loudly
      console.warn('[fast path] SKIPPED the Redis script case: REDIS_URL is not set');
      return;
    }
    const { slug } = await newProduct();
    const url = `/api/products/${slug}`;
    await t.http.get(url).expect(200);
    await t.http.get(url).expect(200);
    await redis.scriptFlush();
    slugOf.mockClear();
    const hit = await t.http.get(url).expect(200);
    expect(xCache(hit)).toBe('HIT');
    expect(slugOf).not.toHaveBeenCalled(); // the fast path answered, script or no script
  });

  it('answers a signed-in customer too, and leaves a staff token (or one it cannot read) to Nest', async () => {
    const product = await newProduct();
    const url = `/api/products/${product.slug}`;
    const customer = await t.createUser();
    // A URL only ever read by a customer is remembered as well.
    const first = await t.http.get(url).set('Authorization', customer.auth).expect(200);
    expect(xCache(first)).toBe('MISS');
    slugOf.mockClear();
    const asCustomer = await t.http.get(url).set('Authorization', customer.auth).expect(200);
    expect(xCache(asCustomer)).toBe('HIT');
    expect(asCustomer.text).toBe(first.text);
    expect(slugOf).not.toHaveBeenCalled();
    const anonymous = await t.http.get(url).expect(200);
    expect(anonymous.text).toBe(first.text);
    expect(slugOf).not.toHaveBeenCalled();

    const asStaff = await t.http.get(url).set('Authorization', b.staff.auth).expect(200);
    expect(xCache(asStaff)).toBe('BYPASS');
    expect(slugOf).toHaveBeenCalledTimes(1);
    slugOf.mockClear();
    // An optional-auth read treats a bad token as none; one it cannot read goes to Nest.
    const unreadable = await t.http.get(url).set('Authorization', 'Bearer not-a-token');
    expect(unreadable.status).toBe(200);
    expect(unreadable.text).toBe(first.text);
    expect(slugOf).toHaveBeenCalledTimes(1);
    slugOf.mockClear();
    // A forged token: claiming a customer, it gets what anyone gets, from the fast path; claiming
    // staff, it goes to Nest, which refuses the signature and answers it as anonymous.
    const forged = (role: string): string =>
      `Bearer ${[
        { alg: 'HS256', typ: 'JWT' },
        { sub: 'x', email: 'x@example.com', role },
      ]
        .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
        .join('.')}.c2lnbmF0dXJl`;
    const forgedCustomer = await t.http.get(url).set('Authorization', forged('customer'));
    expect(forgedCustomer.status).toBe(200);
    expect(forgedCustomer.text).toBe(first.text);
    expect(slugOf).not.toHaveBeenCalled();
    const forgedStaff = await t.http.get(url).set('Authorization', forged('admin'));
    expect(forgedStaff.status).toBe(200);
    expect(forgedStaff.text).toBe(first.text);
    expect(xCache(forgedStaff)).toBe('HIT');
    expect(slugOf).toHaveBeenCalledTimes(1);
  });

  it('shows a write on the very next anonymous read of a remembered URL', async () => {
    const product = await newProduct({ price: 1500 });
    const url = `/api/products/${product.slug}`;
    await t.http.get(url).expect(200);
    await t.http.get(url).expect(200);
    await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ price: 999 })
      .expect(200);
    const after = await t.http.get(url).expect(200);
    expect(after.body.price).toBe(999);
    expect(xCache(after)).toBe('MISS');
    await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ isActive: false })
      .expect(200);
    expectError(await t.http.get(url), 404, 'NOT_FOUND');
  });

  it('answers the product list, but never a category or brand list (found by a lookup)', async () => {
    const category = await b.category();
    const brand = await b.brand();
    await b.product({ categoryId: category.id, brandId: brand.id });
    const read = jest.spyOn(t.app.get(ProductListReader), 'read');
    try {
      const urls = {
        list: `/api/products?category=${category.slug}`,
        category: `/api/categories/${category.slug}/products`,
        brand: `/api/brands/${brand.slug}/products`,
      };
      for (const url of Object.values(urls)) await t.http.get(url).expect(200);
      read.mockClear();
      const third: Record<string, [string | undefined, number]> = {};
      for (const [name, url] of Object.entries(urls)) {
        const before = read.mock.calls.length;
        const res = await t.http.get(url).expect(200);
        third[name] = [xCache(res), read.mock.calls.length - before];
      }
      expect(third).toEqual({ list: ['HIT', 0], category: ['HIT', 1], brand: ['HIT', 1] });
    } finally {
      read.mockRestore();
    }
  });

  it('never remembers an invalid query: it is a 400 every time', async () => {
    for (let i = 0; i < 3; i++)
      expectError(await t.http.get('/api/products?pageSize=0'), 400, 'VALIDATION_FAILED');
  });
});
