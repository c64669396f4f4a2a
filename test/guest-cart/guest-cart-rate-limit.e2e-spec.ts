import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError } from '../accounts/helpers.js';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import { createTestApp, freshIp, type TestApp } from '../support/test-app.js';
import { guestCart, type GuestCartView } from './guest-cart-helpers.js';

/**
 * GUEST_CART_RATE_LIMIT: new guest carts a minute per client address. With REDIS_URL the budget
 * lives in Redis for a minute, shared with every other run: each case is a client of its own
 * (TRUST_PROXY on, a fresh X-Forwarded-For address).
 */

describe('guest cart rate limit', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let productId: string;
  beforeAll(async () => {
    t = await createTestApp({ GUEST_CART_RATE_LIMIT: '2', TRUST_PROXY: '1' });
    b = await orderBuilders(t);
    productId = (await b.product({ stock: 100 })).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const add = (ip: string, headers: Record<string, string> = {}) => {
    const req = t.http.post('/api/cart/items').set('X-Forwarded-For', ip);
    for (const [name, value] of Object.entries(headers)) req.set(name, value);
    return req.send({ productId, quantity: 1 });
  };
  /** Guest carts holding this suite's product: other suites' guests never count. */
  const guestCarts = (): Promise<number> => guestCart(t).guestCartsWith(productId);

  it('makes at most GUEST_CART_RATE_LIMIT new carts a minute per address, then answers 429', async () => {
    const ip = freshIp();
    const before = await guestCarts();
    const first = await add(ip);
    expectStatus(first, 200);
    // A made-up token is no way around it: it gets a new cart, and that counts.
    expectStatus(await add(ip, { 'X-Cart-Token': 'made-up-token' }), 200);
    const limited = await add(ip);
    const body = expectError(limited, 429, 'RATE_LIMITED');
    expect(body.error).toBe('Too Many Requests');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await guestCarts()).toBe(before + 2); // the refused add made no cart

    // Adds to a live cart are not new carts: the spent budget does not stop them.
    const token = (first.body as GuestCartView).cartToken as string;
    const again = await add(ip, { 'X-Cart-Token': token });
    expectStatus(again, 200);
    expect((again.body as GuestCartView).items[0]?.quantity).toBe(2);

    // Another address, and a signed-in customer from the spent one, are not limited.
    expectStatus(await add(freshIp()), 200);
    const customer = await b.customer();
    expectStatus(await add(ip, { Authorization: customer.auth }), 200);
  });
});
