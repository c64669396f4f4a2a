import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  expectedAverage,
  REVIEW,
  reviewBuilders,
  type ReviewBuilders,
  type ReviewView,
} from './review-builders.js';

const BUYERS = 16;

describe('the product rating under concurrent moderation', () => {
  let t: TestApp;
  let r: ReviewBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    r = await reviewBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  /** `BUYERS` pending reviews of one fresh product, with ratings cycling 1–5. */
  async function pendingReviews(): Promise<{
    productId: string;
    slug: string;
    reviews: ReviewView[];
  }> {
    const product = await r.product({ stock: 1000 });
    const buyers = await r.buyers(product, BUYERS);
    const reviews = await Promise.all(
      buyers.map(async (buyer, i) => {
        const res = await r.postReview(buyer, product.id, { ...REVIEW, rating: ((i * 3) % 5) + 1 });
        expectStatus(res, 201);
        return res.body as ReviewView;
      }),
    );
    return { productId: product.id, slug: product.slug, reviews };
  }

  it('keeps the average exact when every review is approved at the same moment', async () => {
    for (let round = 0; round < 3; round += 1) {
      const { productId, slug, reviews } = await pendingReviews();
      const results = await Promise.all(reviews.map((rev) => r.moderate(rev.id, 'approved')));
      for (const res of results) expectStatus(res, 200);
      const expected = {
        ratingAverage: expectedAverage(reviews.map((x) => x.rating)),
        reviewCount: BUYERS,
      };
      expect(await r.ratingOf(productId)).toEqual(expected);
      expect(await r.publicProduct(slug)).toMatchObject(expected);
    }
  });

  it('stays exact when approvals, rejections, edits and deletes race on one product', async () => {
    const { productId, reviews } = await pendingReviews();
    // Half approved first, so the race below also takes some out of the average.
    const half = reviews.slice(0, BUYERS / 2);
    for (const res of await Promise.all(half.map((x) => r.moderate(x.id, 'approved'))))
      expectStatus(res, 200);
    const staff2 = await t.createUser({ role: 'staff' });
    const actions = reviews.map((rev, i) => {
      if (i % 4 === 0) return r.moderate(rev.id, 'rejected', staff2);
      if (i % 4 === 1)
        return t.http.delete(`/api/reviews/${rev.id}`).set({ Authorization: r.staff.auth });
      return r.moderate(rev.id, i < BUYERS / 2 ? 'rejected' : 'approved');
    });
    const results = await Promise.all(actions);
    for (const res of results) expect([200, 204]).toContain(res.status);
    const rows = await t.dataSource.query<Array<{ rating: number }>>(
      `SELECT rating FROM reviews WHERE product_id = $1 AND status = 'approved'`,
      [productId],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(await r.ratingOf(productId)).toEqual({
      ratingAverage: expectedAverage(rows.map((x) => x.rating)),
      reviewCount: rows.length,
    });
  });
});
