import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type CartView, orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import {
  createTestApp,
  STRONG_PASSWORD,
  type TestApp,
  type TestUser,
  uniqueEmail,
} from '../support/test-app.js';
import { guestCart } from './guest-cart-helpers.js';

describe('guest cart merge on sign-in', () => {
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

  const login = (user: TestUser, token?: string, password = user.password) => {
    const req = t.http.post('/api/auth/login');
    if (token !== undefined) void req.set('X-Cart-Token', token);
    return req.send({ email: user.email, password });
  };
  /** Registers a new account sending the guest cart `token`; answers the account's cart. */
  const registerWithCart = async (token: string) => {
    const res = await t.http
      .post('/api/auth/register')
      .set('X-Cart-Token', token)
      .send({ email: uniqueEmail('guest'), password: STRONG_PASSWORD, name: 'Former Guest' });
    expectStatus(res, 201);
    const { accessToken } = res.body as { accessToken: string };
    return t.http.get('/api/cart').set('Authorization', `Bearer ${accessToken}`);
  };
  const quantities = (cart: CartView): Record<string, number> =>
    Object.fromEntries(cart.items.map((i) => [i.product.id, i.quantity]));
  const guestCartExists = async (cartId: string | null): Promise<boolean> => {
    const rows = await t.dataSource.query<unknown[]>('SELECT 1 FROM carts WHERE id = $1', [cartId]);
    return rows.length > 0;
  };

  it('merges on login: quantities summed, capped by stock, new lines added, guest cart gone', async () => {
    const user = await t.createUser();
    const shared = await b.product({ stock: 5 });
    const guestOnly = await b.product({ stock: 10 });
    const userOnly = await b.product({ stock: 10 });
    await b.addToCart(user, shared.id, 2);
    await b.addToCart(user, userOnly.id, 1);
    const guest = await g.start(shared.id, 4);
    await g.add({ productId: guestOnly.id, quantity: 3 }, guest.token);

    expectStatus(await login(user, guest.token), 200);

    expect(quantities(await b.getCart(user))).toEqual({
      [shared.id]: 5, // 2 + 4, capped by the stock of 5
      [guestOnly.id]: 3,
      [userOnly.id]: 1,
    });
    expect(await guestCartExists(guest.cart.id)).toBe(false);
    expect((await g.get(guest.token)).body).toMatchObject({ id: null, items: [] });
  });

  it('merges on register: the new account starts with the guest cart', async () => {
    const product = await b.product({ price: 700 });
    const guest = await g.start(product.id, 2);
    const cart = await registerWithCart(guest.token);
    expect(cart.body).toMatchObject({ itemCount: 2, subtotal: 1400 });
    expect(await guestCartExists(guest.cart.id)).toBe(false);
  });

  it('caps the merge on register by stock, leaving out sold-out and inactive products', async () => {
    const scarce = await b.product({ stock: 6, price: 500 });
    const soldOut = await b.product({ stock: 3 });
    const retired = await b.product();
    const plenty = await b.product({ stock: 10, price: 100 });
    const guest = await g.start(scarce.id, 5);
    await g.add({ productId: soldOut.id, quantity: 2 }, guest.token);
    await g.add({ productId: retired.id, quantity: 1 }, guest.token);
    await g.add({ productId: plenty.id, quantity: 4 }, guest.token);
    await b.updateProduct(scarce.id, { stock: 2 }); // the guest's 5 are now over the stock
    await b.updateProduct(soldOut.id, { stock: 0 });
    await b.updateProduct(retired.id, { isActive: false });

    const cart = await registerWithCart(guest.token);
    expectStatus(cart, 200);
    expect(quantities(cart.body as CartView)).toEqual({ [scarce.id]: 2, [plenty.id]: 4 });
    expect(cart.body).toMatchObject({ itemCount: 6, subtotal: 2 * 500 + 4 * 100 });
    expect(await guestCartExists(guest.cart.id)).toBe(false);
  });

  it('leaves out inactive and sold-out products, and never lowers what the user had', async () => {
    const user = await t.createUser();
    const retired = await b.product();
    const soldOut = await b.product({ stock: 3 });
    const scarce = await b.product({ stock: 4 });
    const guest = await g.start(retired.id, 1);
    await g.add({ productId: soldOut.id, quantity: 2 }, guest.token);
    await g.add({ productId: scarce.id, quantity: 3 }, guest.token);
    await b.addToCart(user, scarce.id, 4);
    await b.updateProduct(retired.id, { isActive: false });
    await b.updateProduct(soldOut.id, { stock: 0 });
    await b.updateProduct(scarce.id, { stock: 2 }); // the user's 4 are now over the stock

    expectStatus(await login(user, guest.token), 200);

    expect(quantities(await b.getCart(user))).toEqual({ [scarce.id]: 4 });
    expect(await guestCartExists(guest.cart.id)).toBe(false);
  });

  it('signs in normally with an unknown or expired token, merging nothing', async () => {
    const user = await t.createUser();
    const product = await b.product();
    await b.addToCart(user, product.id, 1);
    const guest = await g.start(product.id, 3);
    await g.expire(guest.token);

    expectStatus(await login(user, 'no-such-token'), 200);
    expectStatus(await login(user, guest.token), 200);

    expect(quantities(await b.getCart(user))).toEqual({ [product.id]: 1 });
  });

  it('keeps the guest cart when the login fails', async () => {
    const user = await t.createUser();
    const product = await b.product();
    const guest = await g.start(product.id, 2);

    expectError(await login(user, guest.token, 'Wrong-password-1'), 401, 'INVALID_CREDENTIALS');

    expect((await g.get(guest.token)).body).toMatchObject({ id: guest.cart.id, itemCount: 2 });
    expect((await b.getCart(user)).items).toEqual([]);
  });

  it('merges a guest cart once when two logins present its token at the same time', async () => {
    const user = await t.createUser();
    const product = await b.product({ stock: 50 });
    const guest = await g.start(product.id, 3);

    const responses = await Promise.all([login(user, guest.token), login(user, guest.token)]);

    for (const res of responses) expectStatus(res, 200);
    expect(quantities(await b.getCart(user))).toEqual({ [product.id]: 3 });
  });
});
