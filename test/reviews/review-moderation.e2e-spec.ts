import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, expectFieldError, expectStatus, ISO_DATE } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { REVIEW, reviewBuilders, type ReviewBuilders, type ReviewPage } from './review-builders.js';

describe('review moderation and the product rating', () => {
  let t: TestApp;
  let r: ReviewBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    r = await reviewBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('approving publishes the review and updates the cached product’s rating at once', async () => {
    const category = await r.category();
    const product = await r.product({ stock: 100, categoryId: category.id });
    // Fill the detail and list caches before the change.
    expect(await r.publicProduct(product.slug)).toMatchObject({ ratingAverage: 0, reviewCount: 0 });
    const listUrl = `/api/products?category=${category.slug}&minRating=4`;
    expect((await t.http.get(listUrl)).body).toMatchObject({ total: 0 });

    const { review } = await r.reviewIn(product, 'pending', 5);
    const res = await r.moderate(review.id, 'approved', r.staff, 'Thanks!');
    expectStatus(res, 200);
    expect(res.body).toMatchObject({
      id: review.id,
      status: 'approved',
      moderationNote: 'Thanks!',
      moderatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(await r.publicProduct(product.slug)).toMatchObject({ ratingAverage: 5, reviewCount: 1 });
    const list = await t.http.get(listUrl);
    expect(list.body).toMatchObject({ total: 1, items: [{ id: product.id, ratingAverage: 5 }] });
    const reviews = await t.http.get(`/api/products/${product.slug}/reviews`);
    expect((reviews.body as ReviewPage).items.map((x) => x.id)).toEqual([review.id]);

    const { review: second } = await r.reviewIn(product, 'pending', 2);
    expectStatus(await r.moderate(second.id, 'approved'), 200);
    expect(await r.publicProduct(product.slug)).toMatchObject({
      ratingAverage: 3.5,
      reviewCount: 2,
    });
  });

  it('rejecting an approved review takes it out of the average; re-approving puts it back', async () => {
    const product = await r.product({ stock: 100 });
    const { review: a } = await r.reviewIn(product, 'approved', 5);
    const { review: b } = await r.reviewIn(product, 'approved', 4);
    const { review: c } = await r.reviewIn(product, 'approved', 4);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 4.33, reviewCount: 3 });
    expectStatus(await r.moderate(a.id, 'rejected', r.staff, 'Spam'), 200);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 4, reviewCount: 2 });
    expectStatus(await r.moderate(a.id, 'approved'), 200);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 4.33, reviewCount: 3 });
    expectStatus(await r.moderate(b.id, 'rejected'), 200);
    expectStatus(await r.moderate(c.id, 'rejected'), 200);
    expectStatus(await r.moderate(a.id, 'rejected'), 200);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 0, reviewCount: 0 });
    expect(await r.publicProduct(product.slug)).toMatchObject({ ratingAverage: 0, reviewCount: 0 });
  });

  it('answers 409 for the status a review already has, 400 for another status, 404 for none', async () => {
    const product = await r.product();
    const { review } = await r.reviewIn(product, 'approved', 3);
    expectError(await r.moderate(review.id, 'approved'), 409, 'REVIEW_ALREADY_IN_STATUS');
    expectFieldError(await r.moderate(review.id, 'pending'), 'status');
    expectFieldError(await r.moderate(review.id, 'published'), 'status');
    expectError(
      await t.http
        .patch(`/api/reviews/${review.id}/status`)
        .set({ Authorization: r.staff.auth })
        .send({ status: 'rejected', rating: 1 }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await r.moderate('00000000-0000-4000-8000-000000000000', 'approved'),
      404,
      'NOT_FOUND',
    );
    expectError(await r.moderate('not-a-uuid', 'approved'), 400, 'BAD_REQUEST');
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 3, reviewCount: 1 });
  });

  it('lets only staff moderate and list the moderation queue', async () => {
    const product = await r.product();
    const { review, author } = await r.reviewIn(product, 'pending', 1);
    expectError(await r.moderate(review.id, 'approved', author), 403, 'FORBIDDEN');
    expectError(
      await t.http.patch(`/api/reviews/${review.id}/status`).send({ status: 'approved' }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await t.http.get('/api/reviews').set({ Authorization: author.auth }),
      403,
      'FORBIDDEN',
    );
    const queue = await t.http
      .get(`/api/reviews?status=pending&productId=${product.id}`)
      .set({ Authorization: r.staff.auth });
    expectStatus(queue, 200);
    expect((queue.body as ReviewPage).items).toEqual([
      expect.objectContaining({ id: review.id, status: 'pending', userId: author.id }),
    ]);
    const byAuthor = await t.http
      .get(`/api/reviews?userId=${author.id}`)
      .set({ Authorization: r.staff.auth });
    expect((byAuthor.body as ReviewPage).total).toBe(1);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 0, reviewCount: 0 });
  });

  it('sends an edited review back to moderation and out of the average; only its author may edit', async () => {
    const product = await r.product({ stock: 100 });
    const { review, author } = await r.reviewIn(product, 'approved', 5);
    await r.reviewIn(product, 'approved', 3);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 4, reviewCount: 2 });
    const stranger = await r.customer();
    const edit = { rating: 2, text: 'It wore out after a month.' };
    for (const actor of [stranger, r.staff]) {
      expectError(
        await t.http
          .patch(`/api/reviews/${review.id}`)
          .set({ Authorization: actor.auth })
          .send(edit),
        404,
        'NOT_FOUND',
      );
    }
    expectFieldError(
      await t.http
        .patch(`/api/reviews/${review.id}`)
        .set({ Authorization: author.auth })
        .send({ title: null }),
      'title',
    );
    const res = await t.http
      .patch(`/api/reviews/${review.id}`)
      .set({ Authorization: author.auth })
      .send(edit);
    expectStatus(res, 200);
    expect(res.body).toMatchObject({
      ...REVIEW,
      ...edit,
      status: 'pending',
      moderationNote: null,
      moderatedAt: null,
    });
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 3, reviewCount: 1 });
    expect(await r.publicProduct(product.slug)).toMatchObject({ ratingAverage: 3, reviewCount: 1 });
    expectStatus(await r.moderate(review.id, 'approved'), 200);
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 2.5, reviewCount: 2 });
  });

  it('lets the author or staff delete a review, updating the rating; others get 404', async () => {
    const product = await r.product({ stock: 100 });
    const { review: a, author } = await r.reviewIn(product, 'approved', 5);
    const { review: b } = await r.reviewIn(product, 'approved', 1);
    const stranger = await r.customer();
    expectError(
      await t.http.delete(`/api/reviews/${a.id}`).set({ Authorization: stranger.auth }),
      404,
      'NOT_FOUND',
    );
    expectStatus(
      await t.http.delete(`/api/reviews/${a.id}`).set({ Authorization: author.auth }),
      204,
    );
    expect(await r.ratingOf(product.id)).toEqual({ ratingAverage: 1, reviewCount: 1 });
    expectError(
      await t.http.delete(`/api/reviews/${a.id}`).set({ Authorization: author.auth }),
      404,
      'NOT_FOUND',
    );
    expectStatus(
      await t.http.delete(`/api/reviews/${b.id}`).set({ Authorization: r.staff.auth }),
      204,
    );
    expect(await r.publicProduct(product.slug)).toMatchObject({ ratingAverage: 0, reviewCount: 0 });
    // Having deleted it, the author may write a new one.
    expectStatus(await r.postReview(author, product.id), 201);
  });

  it('deleting the product deletes its reviews', async () => {
    const product = await r.product();
    const { review } = await r.reviewIn(product, 'approved', 4);
    expectStatus(
      await t.http.delete(`/api/products/${product.id}`).set({ Authorization: r.staff.auth }),
      204,
    );
    expectError(await t.http.get(`/api/reviews/${review.id}`), 404, 'NOT_FOUND');
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM reviews WHERE product_id = $1',
      [product.id],
    );
    expect(row?.n).toBe(0);
  });
});
