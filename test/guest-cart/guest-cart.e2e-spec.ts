import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import { ADDRESS, orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import {
  expectError,
  expectFieldError,
  expectStatus,
  ISO_DATE,
  UUID,
} from '../orders/order-expect.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';
import { guestCart, type GuestCartView, sha256 } from './guest-cart-helpers.js';

const DAY = 24 * 60 * 60 * 1000;

describe('guest carts', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let g: ReturnType<typeof guestCart>;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
    g = guestCart(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows a visitor without a cart an empty one and creates nothing', async () => {
    const since = await g.now();
    for (const token of [undefined, 'not-a-real-token']) {
      const res = await g.get(token);
      expectStatus(res, 200);
      expect(res.body).toEqual({ id: null, items: [], itemCount: 0, subtotal: 0, currency: 'USD' });
      expect(res.headers['x-cart-token']).toBeUndefined();
    }
    expect(await g.emptyGuestCartsSince(since)).toBe(0);
  });

  it('creates a guest cart on the first add and returns its token once, in the header and the body', async () => {
    const product = await b.product({ price: 1250, stock: 5 });
    const res = await g.add({ productId: product.id, quantity: 2 });
    expectStatus(res, 200);
    const cart = res.body as GuestCartView;
    expect(cart).toEqual({
      id: expect.stringMatching(UUID),
      items: [
        {
          id: expect.stringMatching(UUID),
          product: expect.objectContaining({ id: product.id, price: 1250 }),
          variant: null,
          quantity: 2,
          lineTotal: 2500,
          issue: null,
        },
      ],
      itemCount: 2,
      subtotal: 2500,
      currency: 'USD',
      expiresAt: expect.stringMatching(ISO_DATE),
      cartToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    expect(res.headers['x-cart-token']).toBe(cart.cartToken);
    const ttl = Date.parse(cart.expiresAt ?? '') - Date.now();
    expect(ttl).toBeGreaterThan(29 * DAY);
    expect(ttl).toBeLessThanOrEqual(30 * DAY);

    const again = await g.add({ productId: product.id, quantity: 1 }, cart.cartToken);
    expectStatus(again, 200);
    expect(again.headers['x-cart-token']).toBeUndefined();
    expect(again.body).toMatchObject({ id: cart.id, itemCount: 3, subtotal: 3750 });
    expect((again.body as GuestCartView).cartToken).toBeUndefined();
    expect((await g.get(cart.cartToken)).body).toMatchObject({ id: cart.id, itemCount: 3 });
  });

  it('stores only a hash of the token', async () => {
    const product = await b.product();
    const { token, cart } = await g.start(product.id, 1);
    const [row] = await t.dataSource.query<Array<{ guest_token_hash: string; user_id: null }>>(
      'SELECT guest_token_hash, user_id FROM carts WHERE id = $1',
      [cart.id],
    );
    expect(row).toEqual({ guest_token_hash: sha256(token), user_id: null });
    const [leak] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM carts c WHERE c::text LIKE '%' || $1 || '%'`,
      [token],
    );
    expect(leak?.n).toBe(0);
  });

  it('updates, removes and clears lines of the guest cart, with the cart checks', async () => {
    const product = await b.product({ stock: 4 });
    const other = await b.product();
    const { token, cart } = await g.start(product.id, 1);
    const line = cart.items[0]?.id ?? '';
    expectStatus(await g.update(line, { quantity: 4 }, token), 200);
    const over = expectError(
      await g.update(line, { quantity: 5 }, token),
      409,
      'INSUFFICIENT_STOCK',
    );
    expect(over.details).toEqual([{ productId: product.id, requested: 5, available: 4 }]);
    expectError(
      await g.add({ productId: product.id, quantity: 1 }, token),
      409,
      'INSUFFICIENT_STOCK',
    );
    expectFieldError(await g.add({ productId: product.id, quantity: 0 }, token), 'quantity');
    expectError(await g.add({ productId: randomUUID(), quantity: 1 }, token), 404, 'NOT_FOUND');

    const added = await g.add({ productId: other.id, quantity: 2 }, token);
    expect((added.body as GuestCartView).items).toHaveLength(2);
    expectStatus(await g.remove(line, token), 204);
    expect((await g.get(token)).body).toMatchObject({ id: cart.id, itemCount: 2 });
    expectStatus(await g.clear(token), 204);
    expect((await g.get(token)).body).toMatchObject({ id: cart.id, items: [], itemCount: 0 });
  });

  it('makes no cart when the first add fails', async () => {
    const product = await b.product({ stock: 1 });
    const since = await g.now();
    const res = await g.add({ productId: product.id, quantity: 2 });
    expectError(res, 409, 'INSUFFICIENT_STOCK');
    expect(res.headers['x-cart-token']).toBeUndefined();
    expect(await g.emptyGuestCartsSince(since)).toBe(0);
    expect(await g.guestCartsWith(product.id)).toBe(0);
  });

  it("keeps guests, and users, out of each other's carts", async () => {
    const product = await b.product();
    const alice = await g.start(product.id, 1);
    const mallory = await g.start(product.id, 1);
    const aliceLine = alice.cart.items[0]?.id ?? '';
    expectError(await g.update(aliceLine, { quantity: 3 }, mallory.token), 404, 'NOT_FOUND');
    expectError(await g.remove(aliceLine, mallory.token), 404, 'NOT_FOUND');
    expectError(await g.remove(aliceLine), 404, 'NOT_FOUND');

    const user = await b.customer();
    const userCart = await b.addToCart(user, product.id, 2);
    const userLine = userCart.items[0]?.id ?? '';
    expectError(await g.update(userLine, { quantity: 3 }, mallory.token), 404, 'NOT_FOUND');
    expectError(
      await t.http
        .patch(`/api/cart/items/${aliceLine}`)
        .set('Authorization', user.auth)
        .send({ quantity: 3 }),
      404,
      'NOT_FOUND',
    );
    // A signed-in user sees their own cart, whatever cart token comes along.
    const mine = await t.http
      .get('/api/cart')
      .set('Authorization', user.auth)
      .set('X-Cart-Token', alice.token);
    expect(mine.body).toMatchObject({ id: userCart.id, itemCount: 2 });
    expect((await g.get(alice.token)).body).toMatchObject({ id: alice.cart.id, itemCount: 1 });
  });

  it('answers 401 to a bad bearer token instead of falling back to a guest cart', async () => {
    const product = await b.product();
    const { token } = await g.start(product.id, 1);
    const res = await t.http
      .get('/api/cart')
      .set('Authorization', 'Bearer not.a.jwt')
      .set('X-Cart-Token', token);
    expectError(res, 401, 'UNAUTHORIZED');
    expectError(
      await t.http
        .post('/api/cart/items')
        .set('Authorization', 'Bearer not.a.jwt')
        .send({ productId: product.id, quantity: 1 }),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers TOKEN_EXPIRED to an expired bearer token, so the client knows to refresh', async () => {
    const user = await b.customer();
    const now = Math.floor(Date.now() / 1000);
    const expired = new JwtService({ secret: TEST_JWT_SECRET }).sign({
      sub: user.id,
      email: user.email,
      role: user.role,
      iat: now - 120,
      exp: now - 60,
    });
    expectError(
      await t.http.get('/api/cart').set('Authorization', `Bearer ${expired}`),
      401,
      'TOKEN_EXPIRED',
    );
  });

  it('gives a fresh cart for an expired token, and deletes the expired one', async () => {
    const product = await b.product();
    const old = await g.start(product.id, 2);
    await g.expire(old.token);

    expect((await g.get(old.token)).body).toMatchObject({ id: null, items: [] });
    const [gone] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM carts WHERE id = $1',
      [old.cart.id],
    );
    expect(gone?.n).toBe(0);
    expectError(
      await g.update(old.cart.items[0]?.id ?? '', { quantity: 1 }, old.token),
      404,
      'NOT_FOUND',
    );

    const res = await g.add({ productId: product.id, quantity: 1 }, old.token);
    expectStatus(res, 200);
    const fresh = res.body as GuestCartView;
    expect(fresh.id).not.toBe(old.cart.id);
    expect(fresh.cartToken).toEqual(expect.any(String));
    expect(fresh.cartToken).not.toBe(old.token);
    expect(fresh.itemCount).toBe(1);
  });

  it('pushes the expiry back on every use', async () => {
    const product = await b.product();
    const { token, cart } = await g.start(product.id, 1);
    await t.dataSource.query(
      `UPDATE carts SET expires_at = now() + interval '1 day' WHERE id = $1`,
      [cart.id],
    );
    const res = await g.get(token);
    const ttl = Date.parse((res.body as GuestCartView).expiresAt ?? '') - Date.now();
    expect(ttl).toBeGreaterThan(29 * DAY);
  });

  it('still requires a signed-in customer to check out', async () => {
    const product = await b.product();
    const { token } = await g.start(product.id, 1);
    const res = await t.http
      .post('/api/orders')
      .set('X-Cart-Token', token)
      .send({ shippingAddress: ADDRESS });
    expectError(res, 401, 'UNAUTHORIZED');
    expect(await b.stockOf(product.id)).toBe(10);
  });
});
