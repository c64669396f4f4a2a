import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  expectError,
  expectFieldError,
  expectStatus,
  ISO_DATE,
  UUID,
} from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  REVIEW,
  reviewBuilders,
  type ReviewBuilders,
  type ReviewPage,
  type ReviewView,
} from './review-builders.js';

describe('writing and reading reviews', () => {
  let t: TestApp;
  let r: ReviewBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    r = await reviewBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('lets a customer whose order was delivered review the product, pending moderation', async () => {
    const product = await r.product();
    const customer = await r.buyer(product);
    const res = await r.postReview(customer, product.slug);
    expectStatus(res, 201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      product: { id: product.id, slug: product.slug, name: product.name },
      authorName: 'Test U.',
      ...REVIEW,
      verifiedPurchase: true,
      status: 'pending',
      moderationNote: null,
      moderatedAt: null,
      userId: customer.id,
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    // Not public until approved, and not in the rating yet.
    const list = await t.http.get(`/api/products/${product.slug}/reviews`);
    expectStatus(list, 200);
    expect(list.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0, totalPages: 0 });
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 0, reviewCount: 0 });
  });

  it('refuses customers who did not receive the product (403 PURCHASE_REQUIRED)', async () => {
    const product = await r.product();
    const stranger = await r.customer();
    expectError(await r.postReview(stranger, product.id), 403, 'PURCHASE_REQUIRED');
    // An order that is placed but not delivered is not enough either.
    await r.addToCart(stranger, product.id, 1);
    const order = await r.checkout(stranger);
    expectStatus(order, 201);
    for (const status of ['confirmed', 'processing']) {
      expectStatus(await r.move((order.body as { id: string }).id, { status }), 200);
    }
    expectError(await r.postReview(stranger, product.id), 403, 'PURCHASE_REQUIRED');
    // Another product's delivery does not count.
    const other = await r.product();
    const buyerOfOther = await r.buyer(other);
    expectError(await r.postReview(buyerOfOther, product.id), 403, 'PURCHASE_REQUIRED');
  });

  it('allows one review per customer and product: a second one is a 409, also when racing', async () => {
    const product = await r.product({ stock: 100 });
    const [first, second] = await r.buyers(product, 2);
    if (!first || !second) throw new Error('no buyers');
    expectStatus(await r.postReview(first, product.id), 201);
    expectError(
      await r.postReview(first, product.id, { ...REVIEW, rating: 1 }),
      409,
      'REVIEW_EXISTS',
    );

    const race = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        r.postReview(second, product.id, { ...REVIEW, rating: (i % 5) + 1 }),
      ),
    );
    expect(race.map((res) => res.status).sort()).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    for (const res of race.filter((x) => x.status === 409)) expectError(res, 409, 'REVIEW_EXISTS');
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM reviews WHERE product_id = $1',
      [product.id],
    );
    expect(row?.n).toBe(2);
  });

  it.each([
    ['rating', { ...REVIEW, rating: 0 }],
    ['rating', { ...REVIEW, rating: 6 }],
    ['rating', { ...REVIEW, rating: 4.5 }],
    ['rating', { ...REVIEW, rating: '5' }],
    ['title', { ...REVIEW, title: '   ' }],
    ['title', { ...REVIEW, title: 'x'.repeat(201) }],
    ['text', { ...REVIEW, text: 'x'.repeat(5001) }],
    ['text', { rating: 5, title: 'No text' }],
    ['status', { ...REVIEW, status: 'approved' }],
  ])('rejects a review with a bad %s (400)', async (field, body) => {
    const product = await r.product();
    const customer = await r.buyer(product);
    const res = await r.postReview(customer, product.id, body);
    if (field === 'status') expectError(res, 400, 'VALIDATION_FAILED');
    else expectFieldError(res, field);
  });

  it('answers 401 without a token, 404 for an unknown or inactive product', async () => {
    const product = await r.product();
    const res = await t.http.post(`/api/products/${product.id}/reviews`).send(REVIEW);
    expectError(res, 401, 'UNAUTHORIZED');
    const customer = await r.customer();
    expectError(await r.postReview(customer, randomUUID()), 404, 'NOT_FOUND');
    expectError(await r.postReview(customer, 'no-such-product'), 404, 'NOT_FOUND');
    const buyer = await r.buyer(product);
    await r.updateProduct(product.id, { isActive: false });
    expectError(await r.postReview(buyer, product.id), 404, 'NOT_FOUND');
    expectError(await t.http.get(`/api/products/${product.id}/reviews`), 404, 'NOT_FOUND');
  });

  it('shows a pending or rejected review to its author and staff only', async () => {
    const product = await r.product();
    const author = await r.buyer(product);
    const created = await r.postReview(author, product.id);
    const review = created.body as ReviewView;
    const stranger = await r.customer();

    const own = await t.http.get(`/api/reviews/${review.id}`).set({ Authorization: author.auth });
    expectStatus(own, 200);
    expect(own.body).toMatchObject({ id: review.id, status: 'pending', userId: author.id });
    expectStatus(
      await t.http.get(`/api/reviews/${review.id}`).set({ Authorization: r.staff.auth }),
      200,
    );
    expectError(
      await t.http.get(`/api/reviews/${review.id}`).set({ Authorization: stranger.auth }),
      404,
      'NOT_FOUND',
    );
    expectError(await t.http.get(`/api/reviews/${review.id}`), 404, 'NOT_FOUND');

    const mine = await t.http.get('/api/reviews/mine').set({ Authorization: author.auth });
    expectStatus(mine, 200);
    expect((mine.body as ReviewPage).items.map((x) => [x.id, x.status])).toEqual([
      [review.id, 'pending'],
    ]);
    const theirs = await t.http.get('/api/reviews/mine').set({ Authorization: stranger.auth });
    expect((theirs.body as ReviewPage).total).toBe(0);

    expectStatus(await r.moderate(review.id, 'rejected', r.staff, 'Off-topic'), 200);
    const rejected = await t.http
      .get(`/api/reviews/${review.id}`)
      .set({ Authorization: author.auth });
    expect(rejected.body).toMatchObject({ status: 'rejected', moderationNote: 'Off-topic' });
    expectError(await t.http.get(`/api/reviews/${review.id}`), 404, 'NOT_FOUND');
  });

  it('hides an approved review of an inactive product from the public, as the product is hidden', async () => {
    const product = await r.product();
    const { review, author } = await r.reviewIn(product, 'approved');
    const stranger = await r.customer();
    await r.updateProduct(product.id, { isActive: false });

    // Anonymous and other customers: 404, like getProduct and listProductReviews; the body
    // never carries the hidden product's name.
    for (const res of [
      await t.http.get(`/api/reviews/${review.id}`),
      await t.http.get(`/api/reviews/${review.id}`).set({ Authorization: stranger.auth }),
    ]) {
      expectError(res, 404, 'NOT_FOUND');
      expect(JSON.stringify(res.body)).not.toContain(product.name);
    }
    expectError(await t.http.get(`/api/products/${product.id}`), 404, 'NOT_FOUND');
    // Its author and staff still see it (as listMyReviews and listReviews show it).
    for (const viewer of [author, r.staff]) {
      const res = await t.http.get(`/api/reviews/${review.id}`).set({ Authorization: viewer.auth });
      expectStatus(res, 200);
      expect((res.body as ReviewView).product).toEqual({
        id: product.id,
        slug: product.slug,
        name: product.name,
      });
    }
    // Shown again to everyone once the product is back.
    await r.updateProduct(product.id, { isActive: true });
    expectStatus(await t.http.get(`/api/reviews/${review.id}`), 200);
  });

  it('lists a product’s approved reviews publicly, paginated, sorted and filtered, without moderation fields', async () => {
    const product = await r.product({ stock: 100 });
    const approved: ReviewView[] = [];
    for (const rating of [5, 3, 4])
      approved.push((await r.reviewIn(product, 'approved', rating)).review);
    await r.reviewIn(product, 'pending', 1);
    await r.reviewIn(product, 'rejected', 2);

    const page1 = await t.http.get(`/api/products/${product.slug}/reviews?pageSize=2`);
    expectStatus(page1, 200);
    const body = page1.body as ReviewPage;
    expect(body).toMatchObject({ page: 1, pageSize: 2, total: 3, totalPages: 2 });
    expect(body.items.map((x) => x.id)).toEqual([approved[2]?.id, approved[1]?.id]);
    for (const item of body.items) {
      expect(item.status).toBe('approved');
      expect(item).not.toHaveProperty('moderationNote');
      expect(item).not.toHaveProperty('userId');
    }
    const page2 = await t.http.get(`/api/products/${product.id}/reviews?pageSize=2&page=2`);
    expect((page2.body as ReviewPage).items.map((x) => x.id)).toEqual([approved[0]?.id]);

    const best = await t.http.get(`/api/products/${product.slug}/reviews?sort=-rating`);
    expect((best.body as ReviewPage).items.map((x) => x.rating)).toEqual([5, 4, 3]);
    const worst = await t.http.get(`/api/products/${product.slug}/reviews?sort=rating`);
    expect((worst.body as ReviewPage).items.map((x) => x.rating)).toEqual([3, 4, 5]);
    const fours = await t.http.get(`/api/products/${product.slug}/reviews?rating=4`);
    expect((fours.body as ReviewPage).items.map((x) => x.id)).toEqual([approved[2]?.id]);

    for (const bad of ['sort=stars', 'rating=6', 'pageSize=0', 'page=x', 'extra=1']) {
      expectError(
        await t.http.get(`/api/products/${product.slug}/reviews?${bad}`),
        400,
        'VALIDATION_FAILED',
      );
    }
  });
});
