import type { Response } from 'supertest';
import {
  type CartView,
  orderBuilders,
  type OrderBuilders,
  type ProductView,
} from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import type { TestApp, TestUser } from '../support/test-app.js';

export interface WishlistItemView {
  productId: string;
  product: ProductView;
  addedAt: string;
}

export interface WishlistView {
  id: string;
  name: string;
  isDefault: boolean;
  isPublic: boolean;
  shareToken: string;
  itemCount: number;
  items: WishlistItemView[];
  createdAt: string;
  updatedAt: string;
}

export type WishlistSummaryView = Omit<WishlistView, 'items'>;

export interface SharedWishlistView {
  name: string;
  items: WishlistItemView[];
  itemCount: number;
  updatedAt: string;
}

export interface MoveResultView {
  wishlist: WishlistView;
  cart: CartView;
}

export interface WishlistBuilders extends OrderBuilders {
  /** `method path` as `user` with `body`. */
  call(
    user: TestUser | undefined,
    method: 'get' | 'post' | 'patch' | 'delete',
    path: string,
    body?: object,
  ): Promise<Response>;
  createWishlist(user: TestUser, body: Record<string, unknown>): Promise<WishlistView>;
  addItem(user: TestUser, wishlistId: string, productId: string): Promise<WishlistView>;
  listWishlists(user: TestUser): Promise<WishlistSummaryView[]>;
  /** How many default wishlists the user has, as the database says. */
  defaultCount(userId: string): Promise<number>;
}

export async function wishlistBuilders(t: TestApp): Promise<WishlistBuilders> {
  const b = await orderBuilders(t);
  const w: WishlistBuilders = {
    ...b,
    call(user, method, path, body) {
      const req = t.http[method](path);
      if (user) void req.set({ Authorization: user.auth });
      return (body === undefined ? req : req.send(body)).then((res) => res);
    },
    async createWishlist(user, body) {
      const res = await w.call(user, 'post', '/api/wishlists', body);
      expectStatus(res, 201);
      return res.body as WishlistView;
    },
    async addItem(user, wishlistId, productId) {
      const res = await w.call(user, 'post', `/api/wishlists/${wishlistId}/items`, { productId });
      expectStatus(res, 200);
      return res.body as WishlistView;
    },
    async listWishlists(user) {
      const res = await w.call(user, 'get', '/api/wishlists');
      expectStatus(res, 200);
      return (res.body as { items: WishlistSummaryView[] }).items;
    },
    async defaultCount(userId) {
      const [row] = await t.dataSource.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM wishlists WHERE user_id = $1 AND is_default',
        [userId],
      );
      return row?.n ?? 0;
    },
  };
  return w;
}
