import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { CartView } from '../orders/order-builders.js';
import { expectError, expectFieldError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type MoveResultView,
  wishlistBuilders,
  type WishlistBuilders,
  type WishlistView,
} from './wishlist-builders.js';

describe('wishlist items and moving them to the cart', () => {
  let t: TestApp;
  let w: WishlistBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    w = await wishlistBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const itemRows = async (wishlistId: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM wishlist_items WHERE wishlist_id = $1',
      [wishlistId],
    );
    return row?.n ?? 0;
  };

  it('adds products idempotently (also when racing), newest first, and removes them', async () => {
    const user = await w.customer();
    const [p1, p2] = [await w.product(), await w.product()];
    if (!p1 || !p2) throw new Error('no products');
    const first = await w.addItem(user, 'default', p1.id);
    expect(first).toMatchObject({ isDefault: true, itemCount: 1 });
    expect(first.items).toEqual([
      {
        productId: p1.id,
        product: expect.objectContaining({ id: p1.id, slug: p1.slug }),
        addedAt: expect.any(String),
      },
    ]);
    const again = await w.addItem(user, first.id, p1.id);
    expect(again.items.map((i) => i.productId)).toEqual([p1.id]);
    const race = await Promise.all(
      Array.from({ length: 8 }, () =>
        w.call(user, 'post', `/api/wishlists/${first.id}/items`, { productId: p2.id }),
      ),
    );
    for (const res of race) expectStatus(res, 200);
    expect(await itemRows(first.id)).toBe(2);
    const view = (await w.call(user, 'get', `/api/wishlists/${first.id}`)).body as WishlistView;
    expect(view.items.map((i) => i.productId)).toEqual([p2.id, p1.id]);

    expectStatus(await w.call(user, 'delete', `/api/wishlists/${first.id}/items/${p1.id}`), 204);
    expectError(
      await w.call(user, 'delete', `/api/wishlists/${first.id}/items/${p1.id}`),
      404,
      'NOT_FOUND',
    );
    expect(await itemRows(first.id)).toBe(1);
  });

  it('keeps a product once per list, but on several lists', async () => {
    const user = await w.customer();
    const product = await w.product();
    const a = await w.createWishlist(user, { name: 'A' });
    const b = await w.createWishlist(user, { name: 'B' });
    await w.addItem(user, a.id, product.id);
    await w.addItem(user, b.id, product.id);
    expect((await w.listWishlists(user)).map((x) => x.itemCount)).toEqual([1, 1]);
  });

  it('refuses unknown and inactive products (404) and bad bodies (400)', async () => {
    const user = await w.customer();
    expectError(
      await w.call(user, 'post', '/api/wishlists/default/items', { productId: randomUUID() }),
      404,
      'NOT_FOUND',
    );
    const hidden = await w.product({ isActive: false });
    expectError(
      await w.call(user, 'post', '/api/wishlists/default/items', { productId: hidden.id }),
      404,
      'NOT_FOUND',
    );
    expectFieldError(
      await w.call(user, 'post', '/api/wishlists/default/items', { productId: 'abc' }),
      'productId',
    );
    expectFieldError(await w.call(user, 'post', '/api/wishlists/default/items', {}), 'productId');
    expectError(
      await w.call(user, 'delete', '/api/wishlists/default/items/abc'),
      400,
      'BAD_REQUEST',
    );
  });

  it('moves an item to the cart: off the list, into the cart', async () => {
    const user = await w.customer();
    const product = await w.product({ stock: 5 });
    const list = await w.addItem(user, 'default', product.id);
    const res = await w.call(
      user,
      'post',
      `/api/wishlists/${list.id}/items/${product.id}/move-to-cart`,
      { quantity: 2 },
    );
    expectStatus(res, 200);
    const moved = res.body as MoveResultView;
    expect(moved.wishlist).toMatchObject({ id: list.id, itemCount: 0, items: [] });
    expect(moved.cart.items.map((i) => [i.product.id, i.quantity])).toEqual([[product.id, 2]]);
    expect((await w.getCart(user)).itemCount).toBe(2);
    // Not on the list any more.
    expectError(
      await w.call(user, 'post', `/api/wishlists/${list.id}/items/${product.id}/move-to-cart`, {}),
      404,
      'NOT_FOUND',
    );
    // No body means one unit.
    await w.addItem(user, list.id, product.id);
    const one = await t.http
      .post(`/api/wishlists/default/items/${product.id}/move-to-cart`)
      .set({ Authorization: user.auth });
    expectStatus(one, 200);
    expect((one.body as MoveResultView).cart.itemCount).toBe(3);
  });

  it('leaves the item on the list when the cart refuses it (409 from the cart)', async () => {
    const user = await w.customer();
    const product = await w.product({ stock: 1 });
    const list = await w.addItem(user, 'default', product.id);
    const over = await w.call(
      user,
      'post',
      `/api/wishlists/${list.id}/items/${product.id}/move-to-cart`,
      { quantity: 2 },
    );
    expect(expectError(over, 409, 'INSUFFICIENT_STOCK').details).toEqual([
      { productId: product.id, requested: 2, available: 1 },
    ]);
    await w.updateProduct(product.id, { stock: 0 });
    expectError(
      await w.call(user, 'post', `/api/wishlists/${list.id}/items/${product.id}/move-to-cart`, {}),
      409,
      'INSUFFICIENT_STOCK',
    );
    const after = (await w.call(user, 'get', `/api/wishlists/${list.id}`)).body as WishlistView;
    expect(after.items).toEqual([
      expect.objectContaining({ productId: product.id, addedAt: list.items[0]?.addedAt }),
    ]);
    expect((await w.getCart(user)).items).toEqual([]);
    expectFieldError(
      await w.call(user, 'post', `/api/wishlists/${list.id}/items/${product.id}/move-to-cart`, {
        quantity: 0,
      }),
      'quantity',
    );
  });

  it('moves an item once when two moves race', async () => {
    const user = await w.customer();
    const product = await w.product({ stock: 50 });
    const list = await w.addItem(user, 'default', product.id);
    const results = await Promise.all(
      Array.from({ length: 6 }, () =>
        w.call(user, 'post', `/api/wishlists/${list.id}/items/${product.id}/move-to-cart`, {
          quantity: 1,
        }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 404, 404, 404, 404, 404]);
    const cart: CartView = await w.getCart(user);
    expect(cart.items.map((i) => i.quantity)).toEqual([1]);
    expect(await itemRows(list.id)).toBe(0);
  });

  it('drops a deleted product from every wishlist', async () => {
    const user = await w.customer();
    const product = await w.product();
    const list = await w.addItem(user, 'default', product.id);
    expectStatus(await w.call(w.staff, 'delete', `/api/products/${product.id}`), 204);
    expect(await itemRows(list.id)).toBe(0);
  });
});
