import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type RatedProductView, reviewBuilders, type ReviewBuilders } from './review-builders.js';

interface Page {
  items: RatedProductView[];
  total: number;
  nextCursor: string | null;
}

describe('filtering and sorting products by rating and review count', () => {
  let t: TestApp;
  let r: ReviewBuilders;
  let category: { id: string; slug: string };
  /** Products rated: none, 2, 4.5 (5 and 4), 5; by name. */
  let unrated: RatedProductView;
  let two: RatedProductView;
  let fourHalf: RatedProductView;
  let five: RatedProductView;

  beforeAll(async () => {
    t = await createTestApp();
    r = await reviewBuilders(t);
    category = await r.category();
    const make = async (ratings: number[]) => {
      const product = await r.product({ stock: 100, categoryId: category.id });
      for (const rating of ratings) await r.reviewIn(product, 'approved', rating);
      // A pending and a rejected review never count.
      await r.reviewIn(product, 'pending', 1);
      await r.reviewIn(product, 'rejected', 1);
      return r.publicProduct(product.slug);
    };
    [unrated, two, fourHalf, five] = [
      await make([]),
      await make([2]),
      await make([5, 4]),
      await make([5]),
    ];
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (query: string, staff = false): Promise<Page> => {
    const req = t.http.get(`/api/products?category=${category.slug}&${query}`);
    if (staff) void req.set({ Authorization: r.staff.auth });
    const res = await req;
    expectStatus(res, 200);
    return res.body as Page;
  };
  const ids = (page: Page) => page.items.map((p) => p.id);
  /** Every id of the list sorted by `sort`, walked a page of one at a time by `nextCursor`. */
  const idsByCursor = async (sort: string): Promise<string[]> => {
    const seen: string[] = [];
    let page = await list(`sort=${sort}&pageSize=1`);
    seen.push(...ids(page));
    while (page.nextCursor) {
      page = await list(`sort=${sort}&pageSize=1&cursor=${page.nextCursor}`);
      seen.push(...ids(page));
    }
    return seen;
  };

  it('shows every product’s rating summary', () => {
    expect([unrated, two, fourHalf, five].map((p) => [p.ratingAverage, p.reviewCount])).toEqual([
      [0, 0],
      [2, 1],
      [4.5, 2],
      [5, 1],
    ]);
  });

  it('filters by minRating, inclusively, for the public and staff', async () => {
    for (const staff of [false, true]) {
      expect(ids(await list('minRating=4&sort=name', staff)).sort()).toEqual(
        [fourHalf.id, five.id].sort(),
      );
      expect(ids(await list('minRating=4.5', staff)).sort()).toEqual([fourHalf.id, five.id].sort());
      expect(ids(await list('minRating=4.51', staff))).toEqual([five.id]);
      expect((await list('minRating=1', staff)).total).toBe(3);
      expect((await list('minRating=0', staff)).total).toBe(4);
    }
    const page = await list('minRating=2');
    expect(page.items.find((p) => p.id === two.id)).toMatchObject({
      ratingAverage: 2,
      reviewCount: 1,
    });
  });

  it('sorts by rating both ways, also through keyset cursors', async () => {
    expect(ids(await list('sort=-rating'))).toEqual([five.id, fourHalf.id, two.id, unrated.id]);
    expect(ids(await list('sort=rating'))).toEqual([unrated.id, two.id, fourHalf.id, five.id]);
    for (const sort of ['-rating', 'rating'])
      expect(await idsByCursor(sort)).toEqual(ids(await list(`sort=${sort}`)));
  });

  it('filters by minReviews (approved reviews only), inclusively', async () => {
    for (const staff of [false, true]) {
      expect((await list('minReviews=0', staff)).total).toBe(4);
      expect(ids(await list('minReviews=1&sort=name', staff)).sort()).toEqual(
        [two.id, fourHalf.id, five.id].sort(),
      );
      expect(ids(await list('minReviews=2', staff))).toEqual([fourHalf.id]);
      expect((await list('minReviews=3', staff)).total).toBe(0);
    }
  });

  it('sorts by review count both ways (ties by id), also through keyset cursors', async () => {
    const byCount = (direction: 1 | -1) => (a: RatedProductView, b: RatedProductView) =>
      direction * (a.reviewCount - b.reviewCount) || direction * a.id.localeCompare(b.id);
    const products = [unrated, two, fourHalf, five];
    expect(ids(await list('sort=-reviews'))).toEqual(
      [...products].sort(byCount(-1)).map((p) => p.id),
    );
    expect(ids(await list('sort=reviews'))).toEqual(
      [...products].sort(byCount(1)).map((p) => p.id),
    );
    for (const sort of ['-reviews', 'reviews'])
      expect(await idsByCursor(sort)).toEqual(ids(await list(`sort=${sort}`)));
  });

  it.each([
    'minReviews=-1',
    'minReviews=1.5',
    'minReviews=1000001',
    'minReviews=abc',
    'minRating=6',
    'minRating=-1',
    'minRating=4.555',
    'minRating=abc',
    'minRating=',
    'minRating=1e0',
    'sort=stars',
  ])('rejects %s (400)', async (query) => {
    expectError(await t.http.get(`/api/products?${query}`), 400, 'VALIDATION_FAILED');
  });

  it('rejects a price cursor used with the rating sort (400)', async () => {
    const byPrice = await list('sort=price&pageSize=1');
    expect(byPrice.nextCursor).not.toBeNull();
    expectError(
      await t.http.get(`/api/products?sort=rating&cursor=${byPrice.nextCursor ?? ''}`),
      400,
      'VALIDATION_FAILED',
    );
  });
});
