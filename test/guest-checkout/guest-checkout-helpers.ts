import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import { guestCart } from '../guest-cart/guest-cart-helpers.js';
import { ADDRESS, type OrderView } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import { freshIp, type TestApp, uniqueEmail } from '../support/test-app.js';

export interface GuestOrderView extends Omit<OrderView, 'userId'> {
  userId: string | null;
  guestEmail: string | null;
  guestToken: string;
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export interface GuestCheckoutOptions {
  cartToken?: string;
  idempotencyKey?: string;
  /** The client address (the app under test trusts one proxy hop); a fresh one unless given. */
  ip?: string;
}

/**
 * Guest checkout calls as an SPA makes them: a guest cart (X-Cart-Token), POST /api/orders/guest,
 * then the order by its token (X-Order-Token). Each call is its own client address unless told,
 * so the per-address limits (shared through Redis with other runs) never interfere.
 */
export function guestCheckout(t: TestApp) {
  const carts = guestCart(t);
  const g = {
    body: (extra: object = {}) => ({
      email: uniqueEmail('guest'),
      shippingAddress: ADDRESS,
      ...extra,
    }),
    checkout(body: object, options: GuestCheckoutOptions = {}): Promise<Response> {
      const req = t.http.post('/api/orders/guest').set('X-Forwarded-For', options.ip ?? freshIp());
      if (options.cartToken !== undefined) req.set('X-Cart-Token', options.cartToken);
      if (options.idempotencyKey !== undefined) req.set('Idempotency-Key', options.idempotencyKey);
      return req.send(body).then((r) => r);
    },
    /** A guest cart holding `quantity` of the product: its token. */
    async cart(productId: string, quantity = 1): Promise<string> {
      const res = await t.http
        .post('/api/cart/items')
        .set('X-Forwarded-For', freshIp())
        .send({ productId, quantity });
      expectStatus(res, 200);
      return (res.body as { cartToken: string }).cartToken;
    },
    /** A guest's order of `quantity` of the product, made through the API. */
    async order(productId: string, body: object = {}, quantity = 1): Promise<GuestOrderView> {
      const cartToken = await g.cart(productId, quantity);
      const res = await g.checkout(g.body(body), { cartToken });
      expectStatus(res, 201);
      return res.body as GuestOrderView;
    },
    get: (orderId: string, orderToken?: string, auth?: string): Promise<Response> => {
      const req = t.http.get(`/api/orders/${orderId}`);
      if (orderToken !== undefined) req.set('X-Order-Token', orderToken);
      if (auth !== undefined) req.set('Authorization', auth);
      return req.then((r) => r);
    },
    cancel: (orderId: string, orderToken?: string, body: object = {}): Promise<Response> => {
      const req = t.http.post(`/api/orders/${orderId}/cancel`);
      if (orderToken !== undefined) req.set('X-Order-Token', orderToken);
      return req.send(body).then((r) => r);
    },
    carts,
  };
  return g;
}

/** The guest settings every guest-checkout suite runs with (no limit unless the suite tests it). */
export const GUEST_ENV = {
  TRUST_PROXY: '1',
  GUEST_CART_RATE_LIMIT: '0',
  GUEST_CHECKOUT_RATE_LIMIT: '0',
};
