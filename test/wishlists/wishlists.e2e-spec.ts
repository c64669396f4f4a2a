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
import { wishlistBuilders, type WishlistBuilders, type WishlistView } from './wishlist-builders.js';

describe('wishlists', () => {
  let t: TestApp;
  let w: WishlistBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    w = await wishlistBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates the default wishlist on demand, once, even when asked for concurrently', async () => {
    const user = await w.customer();
    expect(await w.listWishlists(user)).toEqual([]);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => w.call(user, 'get', '/api/wishlists/default')),
    );
    for (const res of results) expectStatus(res, 200);
    const ids = new Set(results.map((res) => (res.body as WishlistView).id));
    expect(ids.size).toBe(1);
    expect(results[0]?.body).toEqual({
      id: expect.stringMatching(UUID),
      name: 'My Wishlist',
      isDefault: true,
      isPublic: false,
      shareToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      itemCount: 0,
      items: [],
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(await w.defaultCount(user.id)).toBe(1);
  });

  it('makes the first wishlist the default and keeps exactly one default', async () => {
    const user = await w.customer();
    const first = await w.createWishlist(user, { name: '  Birthday  ' });
    expect(first).toMatchObject({ name: 'Birthday', isDefault: true, isPublic: false });
    const second = await w.createWishlist(user, { name: 'Garden', isPublic: true });
    expect(second).toMatchObject({ isDefault: false, isPublic: true });
    const third = await w.createWishlist(user, { name: 'Kitchen', isDefault: true });
    expect(third.isDefault).toBe(true);
    expect((await w.listWishlists(user)).map((x) => [x.name, x.isDefault])).toEqual([
      ['Kitchen', true],
      ['Birthday', false],
      ['Garden', false],
    ]);
    const moved = await w.call(user, 'patch', `/api/wishlists/${second.id}`, { isDefault: true });
    expectStatus(moved, 200);
    expect(moved.body).toMatchObject({ id: second.id, isDefault: true });
    const viaDefault = await w.call(user, 'get', '/api/wishlists/default');
    expect((viaDefault.body as WishlistView).id).toBe(second.id);
    expect(await w.defaultCount(user.id)).toBe(1);

    expectError(
      await w.call(user, 'patch', `/api/wishlists/${second.id}`, { isDefault: false }),
      409,
      'DEFAULT_WISHLIST_REQUIRED',
    );
    // Switching the default concurrently still leaves one.
    const race = await Promise.all(
      [first, second, third, first, third].map((list) =>
        w.call(user, 'patch', `/api/wishlists/${list.id}`, { isDefault: true }),
      ),
    );
    for (const res of race) expectStatus(res, 200);
    expect(await w.defaultCount(user.id)).toBe(1);
  });

  it('renames and publishes; deleting the default promotes the oldest other list', async () => {
    const user = await w.customer();
    const a = await w.createWishlist(user, { name: 'A' });
    const b = await w.createWishlist(user, { name: 'B' });
    const renamed = await w.call(user, 'patch', `/api/wishlists/${b.id}`, {
      name: 'Bee',
      isPublic: true,
    });
    expectStatus(renamed, 200);
    expect(renamed.body).toMatchObject({ name: 'Bee', isPublic: true, isDefault: false });
    expectStatus(await w.call(user, 'delete', `/api/wishlists/default`), 204);
    expect((await w.listWishlists(user)).map((x) => [x.id, x.isDefault])).toEqual([[b.id, true]]);
    expectError(await w.call(user, 'get', `/api/wishlists/${a.id}`), 404, 'NOT_FOUND');
    expectStatus(await w.call(user, 'delete', `/api/wishlists/${b.id}`), 204);
    expect(await w.listWishlists(user)).toEqual([]);
  });

  it('hides every wishlist from other users (404), and needs a token (401)', async () => {
    const owner = await w.customer();
    const other = await w.customer();
    const list = await w.createWishlist(owner, { name: 'Mine', isPublic: true });
    const product = await w.product();
    const path = `/api/wishlists/${list.id}`;
    for (const actor of [other, w.staff]) {
      expectError(await w.call(actor, 'get', path), 404, 'NOT_FOUND');
      expectError(await w.call(actor, 'patch', path, { name: 'Theirs' }), 404, 'NOT_FOUND');
      expectError(
        await w.call(actor, 'post', `${path}/items`, { productId: product.id }),
        404,
        'NOT_FOUND',
      );
      expectError(await w.call(actor, 'delete', `${path}/items/${product.id}`), 404, 'NOT_FOUND');
      expectError(
        await w.call(actor, 'post', `${path}/items/${product.id}/move-to-cart`, {}),
        404,
        'NOT_FOUND',
      );
      expectError(await w.call(actor, 'post', `${path}/share-token`), 404, 'NOT_FOUND');
      expectError(await w.call(actor, 'delete', path), 404, 'NOT_FOUND');
    }
    expect((await w.listWishlists(other)).map((x) => x.id)).not.toContain(list.id);
    expectError(await w.call(undefined, 'get', '/api/wishlists'), 401, 'UNAUTHORIZED');
    expectError(await w.call(undefined, 'get', path), 401, 'UNAUTHORIZED');
    const still = await w.call(owner, 'get', path);
    expect(still.body).toMatchObject({ name: 'Mine', itemCount: 0 });
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: '   ' }],
    ['name', { name: 'x'.repeat(101) }],
    ['name', {}],
    ['isPublic', { name: 'A', isPublic: 'yes' }],
    ['isDefault', { name: 'A', isDefault: null }],
  ])('rejects a wishlist with a bad %s (400)', async (field, body) => {
    const user = await w.customer();
    expectFieldError(await w.call(user, 'post', '/api/wishlists', body), field);
  });

  it('rejects unknown fields and bad ids (400), and unknown ids (404)', async () => {
    const user = await w.customer();
    expectError(
      await w.call(user, 'post', '/api/wishlists', { name: 'A', owner: 'x' }),
      400,
      'VALIDATION_FAILED',
    );
    expectFieldError(await w.call(user, 'get', '/api/wishlists/not-a-list'), 'wishlistId');
    expectError(await w.call(user, 'get', `/api/wishlists/${randomUUID()}`), 404, 'NOT_FOUND');
    expectFieldError(await w.call(user, 'patch', '/api/wishlists/default', { name: null }), 'name');
  });
});
