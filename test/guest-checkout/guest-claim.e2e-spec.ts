import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EmailVerificationService } from '../../src/accounts/email-verification.service.js';
import { orderBuilders, type OrderBuilders, type OrderPage } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp, type TestUser, uniqueEmail } from '../support/test-app.js';
import { GUEST_ENV, guestCheckout } from './guest-checkout-helpers.js';

/**
 * A guest's orders join the account that proves the same address (email verification), never one
 * that merely registered it: anyone may register any address.
 */
describe('guest orders join the verified account', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let g: ReturnType<typeof guestCheckout>;
  let productId: string;
  beforeAll(async () => {
    t = await createTestApp(GUEST_ENV);
    b = await orderBuilders(t);
    g = guestCheckout(t);
    productId = (await b.product({ stock: 100 })).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const myOrders = async (user: TestUser): Promise<string[]> => {
    const res = await t.http.get('/api/orders?pageSize=100').set('Authorization', user.auth);
    expectStatus(res, 200);
    return (res.body as OrderPage).items.map((o) => o.id);
  };
  const verify = async (user: TestUser): Promise<void> => {
    const issued = await t.app.get(EmailVerificationService).issueToken(user.id, user.email);
    if (!issued) throw new Error('no verification token issued');
    expectStatus(await t.http.post('/api/auth/verify-email').send({ token: issued.token }), 204);
  };

  it('joins on verification, not on registration, and only the orders of that address', async () => {
    const email = uniqueEmail('buyer');
    const first = await g.order(productId, { email: email.toUpperCase() });
    const second = await g.order(productId, { email });
    const someoneElse = await g.order(productId);

    const user = await t.createUser({ email });
    // Registered but not verified: the orders are not the account's.
    expect(await myOrders(user)).toEqual([]);

    await verify(user);

    expect((await myOrders(user)).sort()).toEqual([first.id, second.id].sort());
    const read = await g.get(first.id, undefined, user.auth);
    expectStatus(read, 200);
    expect(read.body).toMatchObject({ userId: user.id, guestEmail: email.toUpperCase() });
    // The token still opens the order it was given for.
    expectStatus(await g.get(first.id, first.guestToken), 200);
    const [other] = await t.dataSource.query<Array<{ user_id: string | null }>>(
      `SELECT user_id FROM orders WHERE id = $1`,
      [someoneElse.id],
    );
    expect(other?.user_id).toBeNull();

    // Later events of a claimed order name the account, and it gets its notifications.
    const cancelled = await t.http
      .post(`/api/orders/${second.id}/cancel`)
      .set('Authorization', user.auth)
      .send({});
    expectStatus(cancelled, 200);
    const [event] = await t.dataSource.query<
      Array<{ payload: { customer: unknown; changedBy: string } }>
    >(
      `SELECT payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'order.status_changed'`,
      [second.id],
    );
    expect(event?.payload).toMatchObject({
      changedBy: 'customer',
      customer: { id: user.id, email },
    });
  });

  it('claims once: a claimed order stays with the account that claimed it', async () => {
    const email = uniqueEmail('twice');
    const order = await g.order(productId, { email });
    const user = await t.createUser({ email });
    await verify(user);
    // The address moves to another account, which verifies it: the order does not follow.
    await t.dataSource.query(`UPDATE users SET email = $2 WHERE id = $1`, [
      user.id,
      uniqueEmail('moved'),
    ]);
    const next = await t.createUser({ email });
    await verify(next);
    expect(await myOrders(next)).toEqual([]);
    expect(await myOrders(user)).toEqual([order.id]);
  });

  it('moves the coupon uses of the claimed orders to the account', async () => {
    const email = uniqueEmail('coupon');
    const coupon = await t.http
      .post('/api/coupons')
      .set('Authorization', b.staff.auth)
      .send({
        code: `CLAIM-${Date.now()}`,
        discountType: 'fixed',
        discountValue: 50,
        perUserLimit: 1,
      });
    expectStatus(coupon, 201);
    const code = (coupon.body as { code: string }).code;
    const order = await g.order(productId, { email, couponCode: code });
    const user = await t.createUser({ email });
    await verify(user);
    const [use] = await t.dataSource.query<Array<{ user_id: string | null }>>(
      `SELECT user_id FROM coupon_redemptions WHERE order_id = $1`,
      [order.id],
    );
    expect(use?.user_id).toBe(user.id);
    // The account has used its one time.
    await b.addToCart(user, productId, 1);
    const res = await b.checkout(user, {
      shippingAddress: order.shippingAddress,
      couponCode: code,
    });
    expect(res.status).toBe(422);
    expect((res.body as { code: string }).code).toBe('COUPON_USER_LIMIT_REACHED');
  });
});
