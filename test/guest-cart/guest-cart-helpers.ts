import { createHash } from 'node:crypto';
import type { Response } from 'supertest';
import type { CartView } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import type { TestApp } from '../support/test-app.js';

export interface GuestCartView extends Omit<CartView, 'id'> {
  id: string | null;
  expiresAt?: string;
  cartToken?: string;
}

export const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

/** Guest cart calls: `token` goes in `X-Cart-Token` when given. */
export function guestCart(t: TestApp) {
  const withToken = <T extends { set(name: string, value: string): T }>(req: T, token?: string) =>
    token === undefined ? req : req.set('X-Cart-Token', token);
  const g = {
    get: (token?: string): Promise<Response> =>
      withToken(t.http.get('/api/cart'), token).then((r) => r),
    add: (body: object, token?: string): Promise<Response> =>
      withToken(t.http.post('/api/cart/items'), token)
        .send(body)
        .then((r) => r),
    update: (itemId: string, body: object, token?: string): Promise<Response> =>
      withToken(t.http.patch(`/api/cart/items/${itemId}`), token)
        .send(body)
        .then((r) => r),
    remove: (itemId: string, token?: string): Promise<Response> =>
      withToken(t.http.delete(`/api/cart/items/${itemId}`), token).then((r) => r),
    clear: (token?: string): Promise<Response> =>
      withToken(t.http.delete('/api/cart'), token).then((r) => r),
    /** A new guest cart holding `quantity` of the product: its token and view. */
    async start(
      productId: string,
      quantity: number,
    ): Promise<{ token: string; cart: GuestCartView }> {
      const res = await g.add({ productId, quantity });
      expectStatus(res, 200);
      const cart = res.body as GuestCartView;
      if (!cart.cartToken) throw new Error('no cart token issued');
      return { token: cart.cartToken, cart };
    },
    /** Makes the guest cart of `token` expired, as if untouched for longer than its life. */
    async expire(token: string): Promise<void> {
      await t.dataSource.query(
        `UPDATE carts SET expires_at = now() - interval '1 minute' WHERE guest_token_hash = $1`,
        [sha256(token)],
      );
    },
    /** The database's clock, for {@link emptyGuestCartsSince}. */
    async now(): Promise<Date> {
      const [row] = await t.dataSource.query<Array<{ now: Date }>>(
        'SELECT clock_timestamp() AS now',
      );
      return row.now;
    },
    /**
     * Guest carts made since `since` that hold nothing. A read or a refused add must leave none; a
     * successful add makes its cart and its line in one transaction, so other suites' guests
     * adding at the same time are never counted (a count of all guest carts was: it flaked).
     */
    async emptyGuestCartsSince(since: Date): Promise<number> {
      const [row] = await t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM carts c
          WHERE c.user_id IS NULL AND c.created_at >= $1
            AND NOT EXISTS (SELECT 1 FROM cart_items i WHERE i.cart_id = c.id)`,
        [since],
      );
      return row?.n ?? 0;
    },
    /** Guest carts holding `productId` (a product of the test's own). */
    async guestCartsWith(productId: string): Promise<number> {
      const [row] = await t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(DISTINCT c.id)::int AS n FROM carts c JOIN cart_items i ON i.cart_id = c.id
          WHERE c.user_id IS NULL AND i.product_id = $1`,
        [productId],
      );
      return row?.n ?? 0;
    },
  };
  return g;
}
