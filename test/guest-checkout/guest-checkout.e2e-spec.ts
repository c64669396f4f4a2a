import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  ADDRESS,
  orderBuilders,
  type OrderBuilders,
  type OrderPage,
} from '../orders/order-builders.js';
import { expectError, expectStatus, UUID } from '../orders/order-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { GUEST_ENV, type GuestOrderView, guestCheckout, sha256 } from './guest-checkout-helpers.js';

describe('guest checkout', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let g: ReturnType<typeof guestCheckout>;
  beforeAll(async () => {
    t = await createTestApp(GUEST_ENV);
    b = await orderBuilders(t);
    g = guestCheckout(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const outboxPayload = async (orderId: string, type: string) => {
    const rows = await t.dataSource.query<
      Array<{ user_id: string | null; payload: Record<string, unknown> }>
    >(`SELECT user_id, payload FROM outbox_events WHERE aggregate_id = $1 AND type = $2`, [
      orderId,
      type,
    ]);
    return rows;
  };

  it('turns a guest cart into an order with a token that opens it', async () => {
    const product = await b.product({ price: 1500, stock: 7 });
    const cartToken = await g.cart(product.id, 2);
    const body = g.body({ notes: 'Ring twice' });

    const res = await g.checkout(body, { cartToken });

    expectStatus(res, 201);
    const order = res.body as GuestOrderView;
    expect(order).toMatchObject({
      id: expect.stringMatching(UUID),
      userId: null,
      guestEmail: (body as { email: string }).email,
      status: 'pending',
      paymentStatus: 'pending',
      subtotal: 3000,
      shippingAddress: ADDRESS,
      billingAddress: ADDRESS, // defaults to shipping
      notes: 'Ring twice',
      items: [expect.objectContaining({ productId: product.id, quantity: 2, lineTotal: 3000 })],
    });
    expect(order.guestToken).toMatch(/^[\w-]{43}$/);
    expect(order.history).toEqual([
      expect.objectContaining({ from: null, to: 'pending', by: null }),
    ]);
    expect(await b.stockOf(product.id)).toBe(5);
    // The cart is emptied, as a customer's is.
    const cart = await g.carts.get(cartToken);
    expect(cart.body).toMatchObject({ items: [], itemCount: 0 });

    // Only the token's hash is stored.
    const [row] = await t.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT * FROM orders WHERE id = $1`,
      [order.id],
    );
    expect(row?.guest_token_hash).toBe(sha256(order.guestToken));
    expect(JSON.stringify(row)).not.toContain(order.guestToken);

    const read = await g.get(order.id, order.guestToken);
    expectStatus(read, 200);
    const { guestToken: _shownOnce, ...asRead } = order;
    expect(read.body).toEqual(asRead);
  });

  it('puts the contact address in the order.created payload, with no customer id', async () => {
    const product = await b.product();
    const order = await g.order(product.id);
    const [event] = await outboxPayload(order.id, 'order.created');
    expect(event?.user_id).toBeNull();
    expect(event?.payload.customer).toEqual({ id: null, email: order.guestEmail });
  });

  it('refuses a checkout without a usable guest cart or contact address', async () => {
    const product = await b.product();
    expectError(await g.checkout(g.body()), 400, 'EMPTY_CART');
    expectError(await g.checkout(g.body(), { cartToken: 'not-a-cart' }), 400, 'EMPTY_CART');
    const cartToken = await g.cart(product.id);
    const expired = await g.cart(product.id);
    await g.carts.expire(expired);
    expectError(await g.checkout(g.body(), { cartToken: expired }), 400, 'EMPTY_CART');
    expectError(
      await g.checkout({ shippingAddress: ADDRESS }, { cartToken }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await g.checkout(g.body({ email: 'nope' }), { cartToken }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await g.checkout({ email: 'a@example.com' }, { cartToken }),
      400,
      'VALIDATION_FAILED',
    );
    expectError(
      await g.checkout(g.body({ shippingAddress: null }), { cartToken }),
      400,
      'VALIDATION_FAILED',
    );
    // A bearer token is not needed, but one that is sent must be valid (as on the cart routes).
    const forged = await t.http
      .post('/api/orders/guest')
      .set('X-Cart-Token', cartToken)
      .set('Authorization', 'Bearer not.a.token')
      .send(g.body());
    expectError(forged, 401, 'UNAUTHORIZED');
    // None of these ordered anything.
    expect(await b.stockOf(product.id)).toBe(10);
  });

  describe('who may read and cancel a guest order', () => {
    it('opens its own order only: another order, a wrong or malformed token are the same 404', async () => {
      const product = await b.product();
      const mine = await g.order(product.id);
      const theirs = await g.order(product.id);
      const wrong = 'A'.repeat(43);
      for (const res of [
        await g.get(theirs.id, mine.guestToken),
        await g.get(mine.id, wrong),
        await g.get(mine.id, 'short'),
        await g.get(mine.id, ''),
        await g.get('00000000-0000-4000-8000-000000000000', mine.guestToken),
      ]) {
        const body = expectError(res, 404, 'NOT_FOUND');
        expect(body.message).toBe('Order not found');
      }
      // Without a token and without signing in: a 401, as before.
      expectError(await g.get(mine.id), 401, 'UNAUTHORIZED');
      expectError(await g.cancel(mine.id), 401, 'UNAUTHORIZED');
    });

    it('is not a signed-in customer’s, while staff see it', async () => {
      const product = await b.product();
      const order = await g.order(product.id);
      const customer = await b.customer();
      expectError(await g.get(order.id, undefined, customer.auth), 404, 'NOT_FOUND');
      const list = await t.http.get('/api/orders').set('Authorization', customer.auth);
      expectStatus(list, 200);
      expect((list.body as OrderPage).items.map((o) => o.id)).not.toContain(order.id);

      const staffRead = await g.get(order.id, undefined, b.staff.auth);
      expectStatus(staffRead, 200);
      expect(staffRead.body).toMatchObject({
        id: order.id,
        userId: null,
        guestEmail: order.guestEmail,
      });
      const staffList = await t.http
        .get('/api/orders?pageSize=100')
        .set('Authorization', b.staff.auth);
      expect((staffList.body as OrderPage).items.map((o) => o.id)).toContain(order.id);
    });

    it('lets the token cancel a pending order as its owner could, once, with the stock back', async () => {
      const product = await b.product({ stock: 4 });
      const order = await g.order(product.id, {}, 3);
      const other = await g.order(product.id);
      expect(await b.stockOf(product.id)).toBe(0);

      expectError(await g.cancel(order.id, other.guestToken), 404, 'NOT_FOUND');
      const res = await g.cancel(order.id, order.guestToken, { note: 'Changed my mind' });
      expectStatus(res, 200);
      expect(res.body).toMatchObject({ status: 'cancelled', paymentStatus: 'voided' });
      expect(await b.stockOf(product.id)).toBe(3);
      expectError(await g.cancel(order.id, order.guestToken), 409, 'ORDER_ALREADY_IN_STATUS');

      const [changed] = await outboxPayload(order.id, 'order.status_changed');
      expect(changed?.payload).toMatchObject({
        changedBy: 'customer',
        previousStatus: 'pending',
        customer: { id: null, email: order.guestEmail },
      });
    });

    it('refuses what an owner may not do: a processing order is staff’s to cancel', async () => {
      const product = await b.product();
      const order = await g.order(product.id);
      for (const status of ['confirmed', 'processing'])
        expectStatus(await b.move(order.id, { status }), 200);
      expectError(await g.cancel(order.id, order.guestToken), 403, 'FORBIDDEN');
      expect(await b.statusOf(order.id)).toBe('processing');
    });
  });

  describe('under concurrency, as signed-in checkout', () => {
    it('sells the last 5 units to exactly 5 of 40 simultaneous guests', async () => {
      const product = await b.product({ stock: 5 });
      const tokens = await Promise.all(Array.from({ length: 40 }, () => g.cart(product.id, 1)));

      const responses = await Promise.all(
        tokens.map((cartToken) => g.checkout(g.body(), { cartToken })),
      );

      const statuses = responses.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 201)).toHaveLength(5);
      expect(statuses.filter((s) => s === 409)).toHaveLength(35);
      for (const res of responses.filter((r) => r.status === 409))
        expectError(res, 409, 'INSUFFICIENT_STOCK');
      expect(await b.stockOf(product.id)).toBe(0);
      const [row] = await t.dataSource.query<Array<{ n: number }>>(
        'SELECT count(DISTINCT order_id)::int AS n FROM order_items WHERE product_id = $1',
        [product.id],
      );
      expect(row?.n).toBe(5);
    }, 60_000);

    it('makes one order per Idempotency-Key under concurrent retries, each answered with its token', async () => {
      const product = await b.product({ stock: 10 });
      const cartToken = await g.cart(product.id, 2);
      const body = g.body();
      const key = `guest-${Date.now()}`;

      const responses = await Promise.all(
        Array.from({ length: 8 }, () => g.checkout(body, { cartToken, idempotencyKey: key })),
      );

      for (const res of responses) expectStatus(res, 201);
      const orders = responses.map((r) => r.body as GuestOrderView);
      expect(new Set(orders.map((o) => o.id)).size).toBe(1);
      expect(new Set(orders.map((o) => o.guestToken)).size).toBe(1);
      expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
      expect(await b.stockOf(product.id)).toBe(8);
      // The replayed token works: it is the order's.
      expectStatus(await g.get(orders[0].id, orders[0].guestToken), 200);
      // Nothing replayable holds the token.
      const [stored] = await t.dataSource.query<Array<{ body: string }>>(
        `SELECT response_body::text AS body FROM guest_idempotency_keys WHERE key = $1`,
        [key],
      );
      expect(stored?.body).toContain(orders[0].id);
      expect(stored?.body).not.toContain(orders[0].guestToken);

      // The same key with another body is refused; a key of another cart is another checkout.
      const changed = await g.checkout(
        { ...body, notes: 'other' },
        { cartToken, idempotencyKey: key },
      );
      expectError(changed, 422, 'IDEMPOTENCY_KEY_REUSED');
      const otherCart = await g.cart(product.id, 1);
      const other = await g.checkout(body, { cartToken: otherCart, idempotencyKey: key });
      expectStatus(other, 201);
      expect((other.body as GuestOrderView).id).not.toBe(orders[0].id);
    }, 60_000);
  });

  describe('coupons', () => {
    const coupon = async (body: Record<string, unknown>) => {
      const res = await t.http
        .post('/api/coupons')
        .set('Authorization', b.staff.auth)
        .send({
          code: `G-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`.toUpperCase(),
          discountType: 'fixed',
          discountValue: 100,
          ...body,
        });
      expectStatus(res, 201);
      return res.body as { id: string; code: string };
    };

    it('applies a coupon and counts a per-customer limit by the contact address', async () => {
      const product = await b.product({ price: 1000 });
      const { code } = await coupon({ perUserLimit: 1 });
      const email = `Guest.${Date.now()}@Example.com`;
      const first = await g.checkout(g.body({ email, couponCode: code }), {
        cartToken: await g.cart(product.id),
      });
      expectStatus(first, 201);
      expect(first.body).toMatchObject({ couponCode: code, discountAmount: 100 });

      // The same address (in another case), from another cart: the limit holds.
      const again = await g.checkout(g.body({ email: email.toLowerCase(), couponCode: code }), {
        cartToken: await g.cart(product.id),
      });
      expectError(again, 422, 'COUPON_USER_LIMIT_REACHED');
      // Another address may.
      expectStatus(
        await g.checkout(g.body({ couponCode: code }), { cartToken: await g.cart(product.id) }),
        201,
      );
    });
  });
});
