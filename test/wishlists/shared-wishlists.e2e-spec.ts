import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, expectStatus, ISO_DATE } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type SharedWishlistView,
  wishlistBuilders,
  type WishlistBuilders,
  type WishlistView,
} from './wishlist-builders.js';

describe('shared wishlists', () => {
  let t: TestApp;
  let w: WishlistBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    w = await wishlistBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const shared = (token: string) => t.http.get(`/api/shared-wishlists/${token}`).then((r) => r);

  it('shows a public wishlist to anyone with its link, without the owner and without hidden products', async () => {
    const owner = await w.customer();
    const list = await w.createWishlist(owner, { name: 'Wedding', isPublic: true });
    const [kept, hidden] = [await w.product(), await w.product()];
    if (!kept || !hidden) throw new Error('no products');
    await w.addItem(owner, list.id, kept.id);
    await w.addItem(owner, list.id, hidden.id);
    await w.updateProduct(hidden.id, { isActive: false });

    const res = await shared(list.shareToken);
    expectStatus(res, 200);
    expect(res.body).toEqual({
      name: 'Wedding',
      items: [
        {
          productId: kept.id,
          product: expect.objectContaining({ id: kept.id }),
          addedAt: expect.stringMatching(ISO_DATE),
        },
      ],
      itemCount: 1,
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(JSON.stringify(res.body)).not.toContain(owner.id);
    expect(JSON.stringify(res.body)).not.toContain(owner.email);
    expect((res.body as SharedWishlistView).items[0]?.product).not.toHaveProperty('costPrice');
    // The owner still sees both, the hidden one flagged.
    const own = (await w.call(owner, 'get', `/api/wishlists/${list.id}`)).body as WishlistView;
    expect(own.items.map((i) => [i.productId, i.product.isActive])).toEqual([
      [hidden.id, false],
      [kept.id, true],
    ]);
  });

  it('answers 404 for a private list, an old token, or garbage', async () => {
    const owner = await w.customer();
    const list = await w.createWishlist(owner, { name: 'Secret' });
    expectError(await shared(list.shareToken), 404, 'NOT_FOUND');
    const published = await w.call(owner, 'patch', `/api/wishlists/${list.id}`, { isPublic: true });
    expectStatus(await shared((published.body as WishlistView).shareToken), 200);

    const rotated = await w.call(owner, 'post', `/api/wishlists/${list.id}/share-token`);
    expectStatus(rotated, 200);
    const token = (rotated.body as WishlistView).shareToken;
    expect(token).not.toBe(list.shareToken);
    expectError(await shared(list.shareToken), 404, 'NOT_FOUND');
    expectStatus(await shared(token), 200);

    await w.call(owner, 'patch', `/api/wishlists/${list.id}`, { isPublic: false });
    expectError(await shared(token), 404, 'NOT_FOUND');
    for (const garbage of ['x', 'a'.repeat(43), '%27%20OR%201%3D1', 'a'.repeat(300)]) {
      expect([404, 414]).toContain((await shared(garbage)).status);
    }
    expectError(await shared('a'.repeat(43)), 404, 'NOT_FOUND');
  });

  it('keeps the owner’s list endpoints private even for a public list', async () => {
    const owner = await w.customer();
    const other = await w.customer();
    const list = await w.createWishlist(owner, { name: 'Open', isPublic: true });
    expectError(await w.call(other, 'get', `/api/wishlists/${list.id}`), 404, 'NOT_FOUND');
    expectError(await w.call(undefined, 'get', `/api/wishlists/${list.id}`), 401, 'UNAUTHORIZED');
    const res = await shared(list.shareToken);
    expect(res.body).not.toHaveProperty('shareToken');
    expect(res.body).not.toHaveProperty('id');
  });
});
