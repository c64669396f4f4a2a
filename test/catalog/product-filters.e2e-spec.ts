import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SEARCH_WINDOW, ProductsService } from '@/catalog/products/products.service.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type CatalogBuilders,
  catalogBuilders,
  idsOf,
  type ProductPage,
  type ProductView,
  uniqueWord,
} from './catalog-builders.js';

/** What PostgreSQL's `ORDER BY <key>, id` gives for products: ties broken by id (UUID = hex order). */
function sortedIds(
  products: ProductView[],
  key: (p: ProductView) => number | string,
  direction: 1 | -1,
): string[] {
  return [...products]
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      if (ka !== kb) return (ka < kb ? -1 : 1) * direction;
      return (a.id < b.id ? -1 : 1) * direction;
    })
    .map((p) => p.id);
}

describe('listProducts: filters, sorts and search', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (query: string): Promise<ProductPage> =>
    (await t.http.get(`/api/products?${query}`).expect(200)).body as ProductPage;

  /** A category of its own with products of distinct names, prices, stock and flags. */
  async function fixture() {
    const category = await b.category();
    const brand = await b.brand();
    const other = await b.brand();
    const make = (name: string, price: number, stock: number, extra: object = {}) =>
      b.product({
        categoryId: category.id,
        name: `${name} ${uniqueWord(6)}`,
        price,
        stock,
        ...extra,
      });
    const charlie = await make('Charlie', 2000, 0, { brandId: brand.id, isFeatured: true });
    const alpha = await make('Alpha', 500, 5, { brandId: brand.id });
    const delta = await make('Delta', 2000, 7, { brandId: other.id, isFeatured: true });
    const bravo = await make('Bravo', 1000, 0);
    const inactive = await make('Echo', 1000, 3, { isActive: false, brandId: brand.id });
    return {
      category,
      brand,
      other,
      all: [charlie, alpha, delta, bravo],
      charlie,
      alpha,
      delta,
      bravo,
      inactive,
    };
  }

  it('scopes the list to a category slug, newest first by default', async () => {
    const f = await fixture();
    const page = await list(`category=${f.category.slug}`);
    expect(page).toEqual({
      items: expect.any(Array),
      page: 1,
      pageSize: 20,
      total: 4,
      totalIsEstimate: false,
      totalPages: 1,
      nextCursor: null,
    });
    expect(idsOf(page)).toEqual(sortedIds(f.all, (p) => p.createdAt, -1));
  });

  it('filters by brand slug, alone and with a category', async () => {
    const f = await fixture();
    const byBrand = await list(`brand=${f.brand.slug}&sort=name`);
    expect(idsOf(byBrand)).toEqual([f.alpha.id, f.charlie.id]);
    const both = await list(`category=${f.category.slug}&brand=${f.other.slug}`);
    expect(idsOf(both)).toEqual([f.delta.id]);
  });

  it('treats minPrice and maxPrice as inclusive bounds', async () => {
    const f = await fixture();
    const scope = `category=${f.category.slug}&sort=price`;
    expect(idsOf(await list(`${scope}&minPrice=1000&maxPrice=2000`))).toEqual(
      sortedIds([f.bravo, f.charlie, f.delta], (p) => p.price, 1),
    );
    expect(idsOf(await list(`${scope}&minPrice=1000&maxPrice=1000`))).toEqual([f.bravo.id]);
    expect(idsOf(await list(`${scope}&maxPrice=500`))).toEqual([f.alpha.id]);
    expect(idsOf(await list(`${scope}&minPrice=2000`))).toHaveLength(2);
    expect(await list(`${scope}&minPrice=2001`)).toMatchObject({
      items: [],
      total: 0,
      totalPages: 0,
    });
  });

  it('filters inStock=true to stock above zero and inStock=false to stock of zero', async () => {
    const f = await fixture();
    const scope = `category=${f.category.slug}&sort=name`;
    expect(idsOf(await list(`${scope}&inStock=true`))).toEqual([f.alpha.id, f.delta.id]);
    expect(idsOf(await list(`${scope}&inStock=false`))).toEqual([f.bravo.id, f.charlie.id]);
  });

  it('filters featured=true and featured=false', async () => {
    const f = await fixture();
    const scope = `category=${f.category.slug}&sort=name`;
    expect(idsOf(await list(`${scope}&featured=true`))).toEqual([f.charlie.id, f.delta.id]);
    expect(idsOf(await list(`${scope}&featured=false`))).toEqual([f.alpha.id, f.bravo.id]);
  });

  it('filters onSale=true to a compareAtPrice above the price, and onSale=false to the rest', async () => {
    const category = await b.category();
    const make = (name: string, price: number, compareAtPrice: number | null, stock = 5) =>
      b.product({
        categoryId: category.id,
        name: `${name} ${uniqueWord(6)}`,
        price,
        compareAtPrice,
        stock,
      });
    const sale = await make('Alpha', 500, 900); // was 900: on sale
    const same = await make('Bravo', 1000, 1000); // the same price: not on sale
    const below = await make('Charlie', 2000, 1500); // "was" below the price: not on sale
    const none = await make('Delta', 700, null);
    const soldOut = await make('Echo', 300, 400, 0);
    const scope = `category=${category.slug}&sort=name`;
    expect(idsOf(await list(`${scope}&onSale=true`))).toEqual([sale.id, soldOut.id]);
    expect(idsOf(await list(`${scope}&onSale=false`))).toEqual([same.id, below.id, none.id]);
    expect(idsOf(await list(`${scope}&onSale=true&inStock=true`))).toEqual([sale.id]);
    await t.http.get('/api/products?onSale=yes').expect(400);
  });

  it('combines filters', async () => {
    const f = await fixture();
    const page = await list(
      `category=${f.category.slug}&brand=${f.brand.slug}&featured=true&inStock=false&minPrice=2000`,
    );
    expect(idsOf(page)).toEqual([f.charlie.id]);
    expect(page.total).toBe(1);
  });

  it.each([
    ['price', (p: ProductView) => p.price, 1],
    ['-price', (p: ProductView) => p.price, -1],
    ['name', (p: ProductView) => p.name, 1],
    ['-name', (p: ProductView) => p.name, -1],
    ['createdAt', (p: ProductView) => p.createdAt, 1],
    ['-createdAt', (p: ProductView) => p.createdAt, -1],
  ] as const)('sorts by %s, ties broken by id', async (sort, key, direction) => {
    const f = await fixture();
    const page = await list(`category=${f.category.slug}&sort=${sort}`);
    expect(idsOf(page)).toEqual(sortedIds(f.all, key, direction));
  });

  it('answers an unknown category or brand slug with an empty page', async () => {
    const missing = `no-such-${uniqueWord()}`;
    const empty = {
      items: [],
      page: 1,
      pageSize: 20,
      total: 0,
      totalIsEstimate: false,
      totalPages: 0,
      nextCursor: null,
    };
    expect(await list(`category=${missing}`)).toEqual(empty);
    expect(await list(`brand=${missing}`)).toEqual(empty);
  });

  it('applies the filters to a category and a brand product list too', async () => {
    const f = await fixture();
    const cat = await t.http
      .get(`/api/categories/${f.category.slug}/products?inStock=true&sort=-price`)
      .expect(200);
    expect(idsOf(cat.body)).toEqual([f.delta.id, f.alpha.id]);
    const brand = await t.http
      .get(`/api/brands/${f.brand.slug}/products?maxPrice=1000&sort=price`)
      .expect(200);
    expect(idsOf(brand.body)).toEqual([f.alpha.id]);
    expect(brand.body).toMatchObject({ total: 1, totalPages: 1 });
  });

  describe('search', () => {
    it('finds products by a word of the name, description or SKU, and by name prefix', async () => {
      const category = await b.category();
      const scope = `category=${category.slug}`;
      const running = await b.product({ categoryId: category.id, name: 'Running Shoe Pro' });
      const jacket = await b.product({
        categoryId: category.id,
        name: 'Rain Jacket',
        description: 'Taped seams, fully waterproof.',
      });
      expect(idsOf(await list(`${scope}&q=running`))).toEqual([running.id]);
      expect(idsOf(await list(`${scope}&q=runn`))).toEqual([running.id]);
      expect(idsOf(await list(`${scope}&q=RUNNI`))).toEqual([running.id]);
      expect(idsOf(await list(`${scope}&q=waterproof`))).toEqual([jacket.id]);
      expect(idsOf(await list(`${scope}&q=water`))).toEqual([jacket.id]);
      expect(idsOf(await list(`${scope}&q=shoes`))).toEqual([running.id]);
      expect(await list(`${scope}&q=bicycle`)).toMatchObject({
        items: [],
        total: 0,
        totalPages: 0,
      });
    });

    it('finds a product by its whole SKU, in any case, and by an SKU prefix', async () => {
      const category = await b.category();
      const scope = `category=${category.slug}`;
      const word = uniqueWord(6).toUpperCase();
      const product = await b.product({
        categoryId: category.id,
        name: 'Plain Mug',
        sku: `${word}-042`,
      });
      await b.product({ categoryId: category.id, name: 'Plain Cup' });
      expect(idsOf(await list(`${scope}&q=${word}-042`))).toEqual([product.id]);
      expect(idsOf(await list(`${scope}&q=${word.toLowerCase()}-042`))).toEqual([product.id]);
      expect(idsOf(await list(`${scope}&q=${word.slice(0, 4)}`))).toEqual([product.id]);
      expect(idsOf(await list(`q=${word}-042`))).toEqual([product.id]);
    });

    it('finds an SKU whose words a stemmer would change', async () => {
      const category = await b.category();
      const product = await b.product({
        categoryId: category.id,
        name: `Toy ${uniqueWord(6)}`,
        sku: `PUPPY-${uniqueWord(4).toUpperCase()}-7`,
      });
      expect(idsOf(await list(`category=${category.slug}&q=${product.sku}`))).toEqual([product.id]);
    });

    it('ranks a name match above a description-only match with q (relevance by default)', async () => {
      const category = await b.category();
      const scope = `category=${category.slug}`;
      const word = uniqueWord(7);
      // Created first and last around the name match, so neither creation order decides.
      const inDescription = await b.product({
        categoryId: category.id,
        name: 'Plain Bottle',
        description: `Goes well with ${word} gear.`,
      });
      const inName = await b.product({ categoryId: category.id, name: `The ${word} Bottle` });
      const expected = [inName.id, inDescription.id];
      expect(idsOf(await list(`${scope}&q=${word}`))).toEqual(expected);
      const ranked = await list(`${scope}&q=${word}&sort=relevance`);
      expect(idsOf(ranked)).toEqual(expected);
      expect(ranked).toMatchObject({ total: 2, totalPages: 1, nextCursor: null });
    });

    it('sorts search results by another key when asked', async () => {
      const category = await b.category();
      const word = uniqueWord(7);
      const cheap = await b.product({ categoryId: category.id, name: `${word} Cheap`, price: 100 });
      const dear = await b.product({
        categoryId: category.id,
        name: 'Dear',
        description: word,
        price: 900,
      });
      const page = await list(`category=${category.slug}&q=${word}&sort=-price`);
      expect(idsOf(page)).toEqual([dear.id, cheap.id]);
    });

    it('searches with q alone: ranks, counts and pages, and follows renames, deactivation and deletion', async () => {
      const word = uniqueWord(8);
      const other = uniqueWord(8);
      const staff = (req: ReturnType<typeof t.http.patch>) =>
        req.set('Authorization', b.staff.auth);
      const { id: categoryId } = await b.category();
      const inDescription = await b.product({
        categoryId,
        name: 'Plain Lamp',
        description: `Pairs with any ${word} shade.`,
      });
      const inName = await b.product({ categoryId, name: `${word} Lamp` });
      const inSku = await b.product({
        categoryId,
        name: 'Desk Lamp',
        sku: `${word.toUpperCase()}-9`,
      });
      const inactive = await b.product({ categoryId, name: `${word} Old Lamp`, isActive: false });

      // The name match (the word twice in the title vector: stemmed and plain) above the SKU
      // match (once), above the description-only match.
      const first = await list(`q=${word}&pageSize=2`);
      expect(idsOf(first)).toEqual([inName.id, inSku.id]);
      expect(first).toMatchObject({
        total: 3,
        totalIsEstimate: false,
        totalPages: 2,
        nextCursor: null,
      });
      const second = await list(`q=${word}&pageSize=2&page=2`);
      expect(idsOf(second)).toEqual([inDescription.id]);
      expect(idsOf(await list(`q=${word}&page=3&pageSize=2`))).toEqual([]);

      // Staff may include the inactive one; the public never sees it.
      const withInactive = await t.http
        .get(`/api/products?q=${word}&includeInactive=true`)
        .set('Authorization', b.staff.auth)
        .expect(200);
      expect((withInactive.body as ProductPage).total).toBe(4);
      expect(idsOf(withInactive.body as ProductPage)).toContain(inactive.id);

      // A rename moves the product from one word to the other; deactivating hides it.
      await staff(t.http.patch(`/api/products/${inName.id}`))
        .send({ name: `${other} Lamp` })
        .expect(200);
      expect(idsOf(await list(`q=${other}`))).toEqual([inName.id]);
      expect((await list(`q=${word}`)).total).toBe(2);
      await staff(t.http.patch(`/api/products/${inSku.id}`))
        .send({ isActive: false })
        .expect(200);
      expect(idsOf(await list(`q=${word}`))).toEqual([inDescription.id]);
      await staff(t.http.patch(`/api/products/${inSku.id}`))
        .send({ isActive: true })
        .expect(200);
      await t.http
        .delete(`/api/products/${inDescription.id}`)
        .set('Authorization', b.staff.auth)
        .expect(204);
      expect(await list(`q=${word}`)).toMatchObject({ total: 1, items: [{ id: inSku.id }] });
      // A stock change is no search change: still found, with its new stock.
      await staff(t.http.patch(`/api/products/${inSku.id}`))
        .send({ stock: 42 })
        .expect(200);
      expect(await list(`q=${word}`)).toMatchObject({ items: [{ id: inSku.id, stock: 42 }] });
    });

    it('finds a word that PostgreSQL reads as a phrase with q alone', async () => {
      // `½` is a number to the API (one word) and a separator to the parser: `w:* <-> x:*`.
      const word = uniqueWord(8);
      const { id: categoryId } = await b.category();
      const product = await b.product({ categoryId, name: `${word}½x Lamp` });
      expect(idsOf(await list(`q=${encodeURIComponent(`${word}½x`)}`))).toEqual([product.id]);
      expect(idsOf(await list(`q=${encodeURIComponent(`${word}½y`)}`))).toEqual([]);
    });

    it('estimates the total of a search with q alone above the window, and pages it whole', async () => {
      const word = uniqueWord(8);
      const { id: categoryId } = await b.category();
      const made: string[] = [];
      for (let i = 0; i < 5; i++)
        made.push((await b.product({ categoryId, name: `${word} Lamp ${i}` })).id);
      const search = t.app.get(ProductsService);
      search.searchWindow = 2;
      try {
        // More than the window matches: the total is estimated, from the share of the table read.
        const first = await list(`q=${word}&pageSize=2`);
        expect(first.totalIsEstimate).toBe(true);
        expect(first.total).toBeGreaterThanOrEqual(3);
        expect(first.totalPages).toBe(Math.ceil(first.total / 2));
        // Pages follow one order: together they hold every match once.
        const pages = [first];
        for (const page of [2, 3, 4]) pages.push(await list(`q=${word}&pageSize=2&page=${page}`));
        const seen = pages.flatMap((page) => idsOf(page));
        expect([...seen].sort()).toEqual([...made].sort());
        // The last page's scan found the end: its total is exact.
        expect(pages[3]).toMatchObject({ items: [], total: 5, totalIsEstimate: false });
      } finally {
        search.searchWindow = SEARCH_WINDOW;
      }
      // Within the window, the total is exact.
      expect(await list(`q=${word}&pageSize=3`)).toMatchObject({
        total: 5,
        totalIsEstimate: false,
        totalPages: 2,
      });
    });

    it('treats a q with no words as no search at all', async () => {
      const f = await fixture();
      const page = await list(`category=${f.category.slug}&q=${encodeURIComponent('  ?! ')}`);
      expect(page.total).toBe(4);
      expect(idsOf(page)).toEqual(sortedIds(f.all, (p) => p.createdAt, -1));
    });
  });
});
