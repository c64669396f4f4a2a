import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { warmCatalogCache } from '@/catalog/cache/cache-warmup.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type CatalogBuilders,
  catalogBuilders,
  type ProductView,
  uniqueWord,
} from './catalog-builders.js';
import { expectError, xCache } from './catalog-expect.js';
import { isolatedRedisUrl } from '../support/redis.js';
import {
  allowFastifyInject,
  recordRecentSlugs,
  WARMUP_TIMEOUT_MS,
} from './catalog-cache-support.js';

/** The product a read shows: a detail, or the one with `id` in a list. */
function productIn(body: unknown, id: string): ProductView | undefined {
  const items = (body as { items?: ProductView[] }).items;
  return items ? items.find((p) => p.id === id) : (body as ProductView);
}

describe('catalog cache (one instance)', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    await allowFastifyInject();
    // In-memory without REDIS_URL; with it, a Redis database this suite has to itself.
    t = await createTestApp({ REDIS_URL: isolatedRedisUrl(11) });
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** A category and a brand of their own, with one featured product in both. */
  async function shop() {
    const category = await b.category();
    const brand = await b.brand();
    const product = await b.product({
      categoryId: category.id,
      brandId: brand.id,
      isFeatured: true,
      price: 1500,
    });
    const reads = {
      list: `/api/products?category=${category.slug}`,
      detail: `/api/products/${product.slug}`,
      featured: '/api/products/featured?limit=50',
      categoryProducts: `/api/categories/${category.slug}/products`,
      brandProducts: `/api/brands/${brand.slug}/products`,
    };
    return { category, brand, product, reads };
  }

  /** The sample of `catalog_cache_requests_total` for one kind of read and result. */
  async function cacheCounter(kind: string, result: string): Promise<number> {
    const res = await t.http.get('/metrics').expect(200);
    const line = res.text
      .split('\n')
      .find((l) => l.startsWith(`catalog_cache_requests_total{kind="${kind}",result="${result}"}`));
    return line ? Number(line.split(' ').at(-1)) : 0;
  }

  it('answers a first public read MISS and a second identical one HIT with the same body', async () => {
    const { category, brand, reads } = await shop();
    const all = [
      ...Object.values(reads),
      `/api/categories/${category.slug}`,
      `/api/brands/${brand.slug}`,
      '/api/categories',
      '/api/brands',
    ];
    for (const url of all) {
      const first = await t.http.get(url).expect(200);
      const second = await t.http.get(url).expect(200);
      expect({ url, first: xCache(first), second: xCache(second) }).toEqual({
        url,
        first: 'MISS',
        second: 'HIT',
      });
      expect(second.text).toBe(first.text);
      expect(second.headers['content-type']).toMatch(/^application\/json/);
    }
  });

  it('shares one entry between equal queries written differently, and with customers', async () => {
    const { category } = await shop();
    const first = await t.http.get(`/api/products?category=${category.slug}`).expect(200);
    expect(xCache(first)).toBe('MISS');
    const same = [
      `/api/products?pageSize=20&sort=-createdAt&page=1&category=${category.slug}`,
      `/api/products?category=${category.slug}&includeInactive=true`,
    ];
    for (const url of same) {
      const res = await t.http.get(url).set('Authorization', b.customer.auth).expect(200);
      expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'HIT' });
      expect(res.text).toBe(first.text);
    }
    await t.http.get(`/api/products?category=${category.slug}&q=Product`).expect(200);
    const search = await t.http.get(`/api/products?category=${category.slug}&q=PRODUCT!`);
    expect(xCache(search)).toBe('HIT');
  });

  it('shows a staff price change on the very next list, detail, featured, category and brand read', async () => {
    const { product, reads } = await shop();
    for (const url of Object.values(reads)) {
      await t.http.get(url).expect(200);
      const warm = await t.http.get(url).expect(200);
      expect({ url, cache: xCache(warm), price: productIn(warm.body, product.id)?.price }).toEqual({
        url,
        cache: 'HIT',
        price: 1500,
      });
    }
    await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ price: 1234 })
      .expect(200);
    for (const url of Object.values(reads)) {
      const res = await t.http.get(url).expect(200);
      expect({ url, price: productIn(res.body, product.id)?.price }).toEqual({ url, price: 1234 });
    }
  });

  it('shows a category rename and a brand rename in the product detail and lists at once', async () => {
    const { category, brand, product, reads } = await shop();
    for (const url of [reads.detail, reads.list, `/api/categories/${category.slug}`]) {
      await t.http.get(url).expect(200);
    }
    const categoryName = `Renamed ${uniqueWord()}`;
    await t.http
      .patch(`/api/categories/${category.id}`)
      .set('Authorization', b.staff.auth)
      .send({ name: categoryName })
      .expect(200);
    const detail = await t.http.get(reads.detail).expect(200);
    expect(detail.body.category).toEqual({
      id: category.id,
      slug: category.slug,
      name: categoryName,
    });
    const list = await t.http.get(reads.list).expect(200);
    expect(productIn(list.body, product.id)?.category.name).toBe(categoryName);
    const read = await t.http.get(`/api/categories/${category.slug}`).expect(200);
    expect(read.body.name).toBe(categoryName);

    const brandName = `Renamed ${uniqueWord()}`;
    await t.http
      .patch(`/api/brands/${brand.id}`)
      .set('Authorization', b.staff.auth)
      .send({ name: brandName })
      .expect(200);
    const again = await t.http.get(reads.detail).expect(200);
    expect(again.body.brand).toEqual({ id: brand.id, slug: brand.slug, name: brandName });
  });

  it('drops a deactivated or deleted product from cached reads at once', async () => {
    const { category, product, reads } = await shop();
    const second = await b.product({ categoryId: category.id });
    for (const url of [reads.list, reads.detail, `/api/products/${second.slug}`]) {
      await t.http.get(url).expect(200);
    }
    await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ isActive: false })
      .expect(200);
    expectError(await t.http.get(reads.detail), 404, 'NOT_FOUND');
    const list = await t.http.get(reads.list).expect(200);
    expect(list.body.items.map((p: ProductView) => p.id)).toEqual([second.id]);
    await t.http
      .delete(`/api/products/${second.id}`)
      .set('Authorization', b.staff.auth)
      .expect(204);
    expectError(await t.http.get(`/api/products/${second.slug}`), 404, 'NOT_FOUND');
    const empty = await t.http.get(reads.list).expect(200);
    expect(empty.body).toMatchObject({ items: [], total: 0, totalPages: 0 });
  });

  it('shows a new product in cached lists and counts at once', async () => {
    const { category, reads } = await shop();
    await t.http.get(reads.list).expect(200);
    await t.http.get('/api/categories').expect(200);
    const added = await b.product({ categoryId: category.id });
    const list = await t.http.get(reads.list).expect(200);
    expect(list.body.total).toBe(2);
    expect(list.body.items[0].id).toBe(added.id);
    const categories = await t.http.get('/api/categories').expect(200);
    const mine = categories.body.items.find((c: { id: string }) => c.id === category.id);
    expect(mine.productCount).toBe(2);
  });

  it('keeps the cache after a failed write', async () => {
    const { product, reads } = await shop();
    await t.http.get(reads.detail).expect(200);
    await t.http
      .patch(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth)
      .send({ price: -1 })
      .expect(400);
    const res = await t.http.get(reads.detail).expect(200);
    expect(xCache(res)).toBe('HIT');
    expect(res.body.price).toBe(1500);
  });

  it('bypasses the cache for staff reads, which neither hit nor fill it', async () => {
    const { category, brand, product, reads } = await shop();
    const staffReads = [
      reads.list,
      reads.detail,
      reads.categoryProducts,
      reads.brandProducts,
      `${reads.list}&includeInactive=true`,
      `/api/categories/${category.slug}`,
      `/api/brands/${brand.slug}`,
      '/api/categories?includeInactive=true',
    ];
    for (const url of staffReads) {
      for (let i = 0; i < 2; i += 1) {
        const res = await t.http.get(url).set('Authorization', b.staff.auth).expect(200);
        expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'BYPASS' });
      }
    }
    const staffDetail = await t.http.get(reads.detail).set('Authorization', b.staff.auth);
    expect(staffDetail.body.costPrice).toBeDefined();
    for (const url of [reads.list, reads.detail, reads.categoryProducts, reads.brandProducts]) {
      const res = await t.http.get(url).expect(200);
      expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'MISS' });
      expect(productIn(res.body, product.id)).not.toHaveProperty('costPrice');
    }
  });

  it('loads a cold key once for 20 concurrent identical reads (single flight)', async () => {
    const { category, product } = await shop();
    const url = `/api/products?category=${category.slug}&sort=price`;
    const missesBefore = await cacheCounter('list', 'miss');
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.http.get(url)));
    for (const res of responses) {
      expect(res.status).toBe(200);
      expect(['MISS', 'HIT']).toContain(xCache(res));
      expect(res.text).toBe(responses[0]?.text);
    }
    expect(responses[0]?.body.items.map((p: ProductView) => p.id)).toEqual([product.id]);
    expect((await cacheCounter('list', 'miss')) - missesBefore).toBe(1);
  });

  it(
    'warms the hot keys so the same reads are then HITs (warmup on the same instance)',
    async () => {
      const { category, brand, reads } = await shop();
      const detailSlugs = recordRecentSlugs(t);
      const rows = await warmCatalogCache(t.app, { pages: 2, details: 5 });
      expect(rows.map((r) => r.target)).toEqual([
        'categories',
        'brands',
        'featured products',
        'product list, pages 1–2',
        'first page of each category',
        'first page of each brand',
        '5 most recent product details',
      ]);
      const warmed = [
        '/api/products?page=1',
        '/api/products?page=2',
        '/api/products',
        '/api/products/featured',
        '/api/categories',
        '/api/brands',
        `/api/categories/${category.slug}`,
        `/api/brands/${brand.slug}`,
        reads.categoryProducts,
        reads.brandProducts,
        ...detailSlugs().map((slug) => `/api/products/${slug}`),
      ];
      for (const url of warmed) {
        const res = await t.http.get(url).expect(200);
        expect({ url, cache: xCache(res) }).toEqual({ url, cache: 'HIT' });
      }
      expect(rows.every((r) => r.filled + r.alreadyWarm === r.requests)).toBe(true);
    },
    WARMUP_TIMEOUT_MS,
  );
});
