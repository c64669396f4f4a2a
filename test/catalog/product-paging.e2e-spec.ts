import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXACT_COUNT_LIMIT, ProductsService } from '@/catalog/products/products.service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type CatalogBuilders,
  catalogBuilders,
  type CategoryView,
  idsOf,
  type ProductPage,
  type ProductView,
  uniqueWord,
} from './catalog-builders.js';
import { expectError, expectFieldError } from './catalog-expect.js';

describe('listProducts: paging, keyset cursors, featured', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (url: string) => t.http.get(url);
  const page = async (url: string): Promise<ProductPage> =>
    (await get(url).expect(200)).body as ProductPage;

  /** `count` products in a category of their own; prices repeat, so sorts have ties. */
  async function productsInCategory(
    count: number,
  ): Promise<{ category: CategoryView; products: ProductView[] }> {
    const category = await b.category();
    const products: ProductView[] = [];
    for (let i = 0; i < count; i += 1) {
      products.push(
        await b.product({
          categoryId: category.id,
          name: `${String.fromCharCode(65 + i)} item ${uniqueWord(6)}`,
          price: 100 * (i % 3),
          stock: i % 4 === 0 ? 0 : 5,
        }),
      );
    }
    return { category, products };
  }

  /** Every page by `page=` number until an empty one. */
  async function walkByPage(url: string, pageSize: number): Promise<string[]> {
    const ids: string[] = [];
    for (let n = 1; ; n += 1) {
      const p = await page(`${url}&pageSize=${pageSize}&page=${n}`);
      if (p.items.length === 0) return ids;
      ids.push(...idsOf(p));
    }
  }

  /** Every page by `cursor=nextCursor` until `nextCursor` is null. */
  async function walkByCursor(url: string, pageSize: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 50; pages += 1) {
      const p: ProductPage = await page(
        `${url}&pageSize=${pageSize}${cursor ? `&cursor=${cursor}` : ''}`,
      );
      ids.push(...idsOf(p));
      expect(p.items.length).toBeLessThanOrEqual(pageSize);
      if (p.nextCursor === null) return ids;
      expect(p.items).toHaveLength(pageSize);
      cursor = p.nextCursor;
    }
    throw new Error('cursor walk did not end');
  }

  describe('offset pages', () => {
    it('splits a list into pages with total and totalPages', async () => {
      const { category, products } = await productsInCategory(5);
      const url = `/api/products?category=${category.slug}&sort=name&pageSize=2`;
      const first = await page(`${url}&page=1`);
      expect(first).toMatchObject({ page: 1, pageSize: 2, total: 5, totalPages: 3 });
      expect(idsOf(first)).toEqual([products[0]?.id, products[1]?.id]);
      const last = await page(`${url}&page=3`);
      expect(idsOf(last)).toEqual([products[4]?.id]);
      expect(last).toMatchObject({ page: 3, total: 5, totalPages: 3, nextCursor: null });
    });

    it('answers a page beyond the end with no items and the true total', async () => {
      const { category } = await productsInCategory(3);
      const beyond = await page(`/api/products?category=${category.slug}&pageSize=2&page=7`);
      expect(beyond).toEqual({
        items: [],
        page: 7,
        pageSize: 2,
        total: 3,
        totalIsEstimate: false,
        totalPages: 2,
        nextCursor: null,
      });
    });

    it.each([
      ['pageSize=0', 'pageSize'],
      ['pageSize=101', 'pageSize'],
      ['pageSize=ten', 'pageSize'],
      ['page=0', 'page'],
      ['page=-1', 'page'],
      ['page=1.5', 'page'],
      ['sort=popularity', 'sort'],
      ['sort=', 'sort'],
      ['inStock=maybe', 'inStock'],
      ['featured=1', 'featured'],
      ['includeInactive=yes', 'includeInactive'],
      ['minPrice=-1', 'minPrice'],
      ['maxPrice=1e3', 'maxPrice'],
      ['minPrice=500&maxPrice=100', 'minPrice'],
      ['unknown=1', 'unknown'],
      [`q=${'x'.repeat(201)}`, 'q'],
    ])('rejects %s with 400 naming the parameter', async (query, field) => {
      expectFieldError(await get(`/api/products?${query}`), field);
    });

    it('rejects the same bad parameters on category and brand product lists', async () => {
      const category = await b.category();
      const brand = await b.brand();
      await b.product({ categoryId: category.id, brandId: brand.id });
      for (const base of [`/api/categories/${category.slug}`, `/api/brands/${brand.slug}`]) {
        expectFieldError(await get(`${base}/products?pageSize=101`), 'pageSize');
        expectFieldError(await get(`${base}/products?minPrice=9&maxPrice=1`), 'minPrice');
        expectFieldError(await get(`${base}/products?category=x`), 'category');
      }
    });
  });

  describe('estimated totals', () => {
    it('estimates the total of a list above the exact count; its last page knows it exactly', async () => {
      const { category, products } = await productsInCategory(7);
      const base = `/api/products?category=${category.slug}&sort=name`;
      const url = `${base}&pageSize=2`;
      const lists = t.app.get(ProductsService);
      lists.exactCountLimit = 3;
      try {
        // More rows than are counted: the planner's estimate, never below the rows counted.
        const first = await page(`${url}&page=1`);
        expect(first.totalIsEstimate).toBe(true);
        expect(first.total).toBeGreaterThanOrEqual(4);
        expect(first.totalPages).toBe(Math.ceil(first.total / 2));
        expect(idsOf(first)).toEqual([products[0]?.id, products[1]?.id]);
        // A full page has a row after it: the total is at least the rows up to that one.
        const third = await page(`${url}&page=3`);
        expect(third.totalIsEstimate).toBe(true);
        expect(third.total).toBeGreaterThanOrEqual(7);
        expect(third.totalPages).toBeGreaterThan(3);
        // The last page is not full: the rows before it and on it are all there are.
        expect(await page(`${url}&page=4`)).toMatchObject({
          items: [{ id: products[6]?.id }],
          total: 7,
          totalIsEstimate: false,
          totalPages: 4,
          nextCursor: null,
        });
        // A cursor page has no position in the list: it answers the estimate.
        const next = await page(`${url}&cursor=${first.nextCursor ?? ''}`);
        expect(idsOf(next)).toEqual([products[2]?.id, products[3]?.id]);
        expect(next).toMatchObject({ total: first.total, totalIsEstimate: true });
        // Every row is still listed once, by offset and by cursor.
        expect(await walkByCursor(base, 2)).toEqual(products.map((p) => p.id));
      } finally {
        lists.exactCountLimit = EXACT_COUNT_LIMIT;
      }
      // Within the exact count (another filter: totals are cached per filter), exact.
      expect(await page(`${url}&minPrice=0`)).toMatchObject({
        total: 7,
        totalIsEstimate: false,
        totalPages: 4,
      });
    });
  });

  describe('keyset cursors', () => {
    it.each(['price', '-price', 'name', '-name', 'createdAt', '-createdAt'])(
      'walks a list sorted by %s with cursors: the same items as offset pages, no duplicates',
      async (sort) => {
        const { category, products } = await productsInCategory(7);
        const url = `/api/products?category=${category.slug}&sort=${sort}`;
        const byPage = await walkByPage(url, 3);
        const byCursor = await walkByCursor(url, 3);
        expect(byPage).toHaveLength(products.length);
        expect(new Set(byCursor).size).toBe(byCursor.length);
        expect(byCursor).toEqual(byPage);
      },
    );

    it('walks a filtered list with cursors (default sort) and ends with nextCursor null', async () => {
      const { category, products } = await productsInCategory(8);
      const inStock = products.filter((p) => p.stock > 0);
      const url = `/api/products?category=${category.slug}&inStock=true&minPrice=100`;
      const expected = inStock.filter((p) => p.price >= 100);
      const byCursor = await walkByCursor(url, 2);
      expect(byCursor).toEqual(await walkByPage(url, 2));
      expect([...byCursor].sort()).toEqual(expected.map((p) => p.id).sort());
      const first = await page(`${url}&pageSize=2`);
      expect(first.total).toBe(expected.length);
      expect(first.nextCursor).toEqual(expect.any(String));
    });

    it('gives nextCursor null when the whole list fits on one page', async () => {
      const { category } = await productsInCategory(2);
      const p = await page(`/api/products?category=${category.slug}&pageSize=2`);
      expect(p.items).toHaveLength(2);
      expect(p.nextCursor).toBeNull();
    });

    it('walks a category product list with cursors', async () => {
      const { category, products } = await productsInCategory(5);
      const url = `/api/categories/${category.slug}/products?sort=-price`;
      const byCursor = await walkByCursor(url, 2);
      expect(byCursor).toEqual(await walkByPage(url, 2));
      expect(byCursor).toHaveLength(products.length);
    });

    it('rejects a tampered cursor with 400', async () => {
      const { category } = await productsInCategory(3);
      const url = `/api/products?category=${category.slug}&sort=price&pageSize=1`;
      const cursor = (await page(url)).nextCursor;
      if (cursor === null) throw new Error('expected a next page');
      const decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const tampered = [
        `${cursor.slice(0, -3)}xyz`,
        'not-a-cursor',
        encode(['-price', decoded[1], decoded[2]]),
        encode(['price', 'one hundred', decoded[2]]),
        encode(['price', decoded[1], 'not-a-uuid']),
        encode({ sort: 'price' }),
      ];
      for (const bad of tampered) {
        expectFieldError(await get(`${url}&cursor=${bad}`), 'cursor');
      }
      expectFieldError(await get(`${url}&cursor=${encodeURIComponent('a b+c/=')}`), 'cursor');
      expectFieldError(await get(`${url}&cursor=${'a'.repeat(301)}`), 'cursor');
      const other = `/api/products?category=${category.slug}&sort=name&cursor=${cursor}`;
      expectFieldError(await get(other), 'cursor');
      expectFieldError(
        await get(`/api/products?category=${category.slug}&q=item&cursor=${cursor}`),
        'cursor',
      );
    });
  });

  describe('featured', () => {
    it('lists featured active products newest first', async () => {
      const category = await b.category();
      const first = await b.product({ categoryId: category.id, isFeatured: true });
      const second = await b.product({ categoryId: category.id, isFeatured: true });
      const plain = await b.product({ categoryId: category.id });
      const hidden = await b.product({
        categoryId: category.id,
        isFeatured: true,
        isActive: false,
      });
      const res = await get('/api/products/featured?limit=50').expect(200);
      expect(Object.keys(res.body as object)).toEqual(['items']);
      const items = res.body.items as ProductView[];
      expect(items.every((p) => p.isFeatured && p.isActive)).toBe(true);
      const created = items.map((p) => p.createdAt);
      expect(created).toEqual([...created].sort().reverse());
      const ids = items.map((p) => p.id);
      expect(ids).not.toContain(plain.id);
      expect(ids).not.toContain(hidden.id);
      expect(ids.filter((id) => id === first.id || id === second.id)).toEqual([
        second.id,
        first.id,
      ]);
    });

    it('caps the featured list at limit, 12 by default', async () => {
      const category = await b.category();
      const newest: ProductView[] = [];
      for (let i = 0; i < 13; i += 1) {
        newest.push(await b.product({ categoryId: category.id, isFeatured: true }));
      }
      // Other suites may add featured products meanwhile: those are newer still.
      const secondNewest = newest.at(-2)?.createdAt ?? '';
      const two = await get('/api/products/featured?limit=2').expect(200);
      expect(two.body.items).toHaveLength(2);
      for (const p of two.body.items as ProductView[])
        expect(p.createdAt >= secondNewest).toBe(true);
      const byDefault = await get('/api/products/featured').expect(200);
      expect(byDefault.body.items).toHaveLength(12);
      const fifty = await get('/api/products/featured?limit=50').expect(200);
      expect(fifty.body.items.length).toBeGreaterThanOrEqual(13);
      expect(fifty.body.items.length).toBeLessThanOrEqual(50);
    });

    it.each(['0', '51', '-1', '2.5', 'all'])('rejects limit=%s with 400', async (limit) => {
      expectFieldError(await get(`/api/products/featured?limit=${limit}`), 'limit');
    });

    it('accepts includeInactive like the other catalog reads: staff see inactive ones, others not', async () => {
      const category = await b.category();
      const shown = await b.product({ categoryId: category.id, isFeatured: true });
      const hidden = await b.product({
        categoryId: category.id,
        isFeatured: true,
        isActive: false,
      });
      const featuredIds = async (auth?: string): Promise<string[]> => {
        const req = get('/api/products/featured?limit=50&includeInactive=true');
        const res = await (auth ? req.set('Authorization', auth) : req).expect(200);
        return (res.body.items as ProductView[]).map((p) => p.id);
      };
      const anonymous = await featuredIds();
      expect(anonymous).toContain(shown.id);
      expect(anonymous).not.toContain(hidden.id);
      expect(await featuredIds(b.staff.auth)).toEqual(
        expect.arrayContaining([shown.id, hidden.id]),
      );
      // Staff's view is never cached for the public: the next anonymous read still hides it.
      expect(await featuredIds()).not.toContain(hidden.id);
      expectFieldError(
        await get('/api/products/featured?includeInactive=maybe'),
        'includeInactive',
      );
    });

    it('rejects unknown parameters on the featured list with 400', async () => {
      expectError(await get('/api/products/featured?page=2'), 400, 'VALIDATION_FAILED');
    });
  });
});
