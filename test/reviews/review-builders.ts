import type { Response } from 'supertest';
import { orderBuilders, type OrderBuilders, type ProductView } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import type { TestApp, TestUser } from '../support/test-app.js';

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

export interface ReviewView {
  id: string;
  product: { id: string; slug: string; name: string };
  authorName: string;
  rating: number;
  title: string;
  text: string;
  verifiedPurchase: boolean;
  status: ReviewStatus;
  moderationNote?: string | null;
  moderatedAt?: string | null;
  userId?: string;
  createdAt: string;
  updatedAt: string;
}

export interface ReviewPage {
  items: ReviewView[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export interface RatedProductView extends ProductView {
  ratingAverage: number;
  reviewCount: number;
}

export interface ReviewBuilders extends OrderBuilders {
  /** A customer (fresh unless given) whose order of `product` was delivered (through the API). */
  buyer(product: ProductView, customer?: TestUser): Promise<TestUser>;
  /**
   * `count` customers who each bought one `product` (real checkouts, run concurrently), their
   * orders then marked delivered with SQL: a fast setup for races.
   */
  buyers(product: ProductView, count: number): Promise<TestUser[]>;
  /** POST /api/products/{id}/reviews as `user`. */
  postReview(user: TestUser, productId: string, body?: Record<string, unknown>): Promise<Response>;
  /** A review by a fresh buyer of `product`, moved to `status` by staff. */
  reviewIn(
    product: ProductView,
    status: ReviewStatus,
    rating?: number,
  ): Promise<{ review: ReviewView; author: TestUser }>;
  /** PATCH /api/reviews/{id}/status as staff (or `actor`). */
  moderate(id: string, status: string, actor?: TestUser, note?: string): Promise<Response>;
  /** GET /api/products/{slug} anonymously (through the catalog cache). */
  publicProduct(slug: string): Promise<RatedProductView>;
  /** The product's rating columns as the database has them. */
  ratingOf(productId: string): Promise<{ ratingAverage: number; reviewCount: number }>;
}

export const REVIEW = {
  rating: 4,
  title: 'Comfortable from day one',
  text: 'True to size, and the sole grips well on wet rock.',
};

export async function reviewBuilders(t: TestApp): Promise<ReviewBuilders> {
  const b = await orderBuilders(t);
  const as = (user: TestUser) => ({ Authorization: user.auth });
  const r: ReviewBuilders = {
    ...b,
    async buyer(product, customer) {
      const user = customer ?? (await b.customer());
      await b.addToCart(user, product.id, 1);
      const res = await b.checkout(user);
      expectStatus(res, 201);
      const orderId = (res.body as { id: string }).id;
      for (const status of ['confirmed', 'processing', 'shipped', 'delivered']) {
        const moved = await b.move(
          orderId,
          status === 'shipped' ? { status, trackingNumber: 'TRK-1' } : { status },
        );
        expectStatus(moved, 200);
      }
      return user;
    },
    async buyers(product, count) {
      const users = await b.customers(count);
      await b.fillCarts(users, product.id, 1);
      const orders = await Promise.all(users.map((u) => b.checkout(u)));
      for (const res of orders) expectStatus(res, 201);
      await t.dataSource.query(
        `UPDATE orders SET status = 'delivered' WHERE id = ANY($1::uuid[])`,
        [orders.map((res) => (res.body as { id: string }).id)],
      );
      return users;
    },
    postReview: (user, productId, body = REVIEW) =>
      t.http
        .post(`/api/products/${productId}/reviews`)
        .set(as(user))
        .send(body)
        .then((res) => res),
    async reviewIn(product, status, rating = REVIEW.rating) {
      const [user] = await r.buyers(product, 1);
      if (!user) throw new Error('no buyer made');
      const created = await r.postReview(user, product.id, { ...REVIEW, rating });
      expectStatus(created, 201);
      const review = created.body as ReviewView;
      if (status === 'pending') return { review, author: user };
      const moved = await r.moderate(review.id, status);
      expectStatus(moved, 200);
      return { review: moved.body as ReviewView, author: user };
    },
    moderate: (id, status, actor = b.staff, note) =>
      t.http
        .patch(`/api/reviews/${id}/status`)
        .set(as(actor))
        .send(note === undefined ? { status } : { status, note })
        .then((res) => res),
    async publicProduct(slug) {
      const res = await t.http.get(`/api/products/${slug}`);
      expectStatus(res, 200);
      return res.body as RatedProductView;
    },
    async ratingOf(productId) {
      const [row] = await t.dataSource.query<Array<{ average: string; count: number }>>(
        'SELECT rating_average AS average, review_count AS count FROM products WHERE id = $1',
        [productId],
      );
      if (!row) throw new Error(`product ${productId} is gone`);
      return { ratingAverage: Number(row.average), reviewCount: row.count };
    },
  };
  return r;
}

/** The average the product must show for these approved ratings (hundredths, half up). */
export function expectedAverage(ratings: number[]): number {
  if (ratings.length === 0) return 0;
  const sum = ratings.reduce((a, x) => a + x, 0);
  return Math.round((sum * 100) / ratings.length) / 100;
}
