import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { createTestApp, freshIp, type TestApp } from '../support/test-app.js';
import { GUEST_ENV, guestCheckout } from './guest-checkout-helpers.js';

/**
 * GUEST_CHECKOUT_RATE_LIMIT: guest checkouts a minute per client address (the budget lives in
 * Redis, shared with other runs: each case is a client address of its own).
 */
describe('guest checkout rate limit', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let g: ReturnType<typeof guestCheckout>;
  beforeAll(async () => {
    t = await createTestApp({ ...GUEST_ENV, GUEST_CHECKOUT_RATE_LIMIT: '2' });
    b = await orderBuilders(t);
    g = guestCheckout(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows GUEST_CHECKOUT_RATE_LIMIT checkouts a minute per address, then answers 429', async () => {
    const product = await b.product({ stock: 10 });
    const ip = freshIp();
    expectStatus(await g.checkout(g.body(), { cartToken: await g.cart(product.id), ip }), 201);
    // A refused attempt (no cart) counts too: each may try a coupon code.
    expectError(await g.checkout(g.body(), { ip }), 400, 'EMPTY_CART');
    const cartToken = await g.cart(product.id);
    const limited = await g.checkout(g.body(), { cartToken, ip });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(await b.stockOf(product.id)).toBe(9); // the refused checkout ordered nothing

    // Another address has its own budget; signed-in checkout is not counted here.
    expectStatus(await g.checkout(g.body(), { cartToken, ip: freshIp() }), 201);
  });
});
