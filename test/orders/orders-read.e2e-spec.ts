import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { orderBuilders, type OrderBuilders, type OrderPage } from './order-builders.js';
import { expectError, expectFieldError, expectStatus } from './order-expect.js';

describe('listOrders and getOrder', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (user: TestUser, query = ''): Promise<OrderPage> => {
    const res = await t.http.get(`/api/orders${query}`).set('Authorization', user.auth);
    expectStatus(res, 200);
    return res.body as OrderPage;
  };
  const ids = (page: OrderPage): string[] => page.items.map((o) => o.id);

  it("lists the caller's own orders only, newest first, paged", async () => {
    const alice = await b.customer();
    const bob = await b.customer();
    const older = (await b.placeOrder({ customer: alice })).order;
    await b.placeOrder({ customer: bob });
    const newer = (await b.placeOrder({ customer: alice })).order;

    const page = await list(alice);
    expect(page).toEqual({ items: [newer, older], page: 1, pageSize: 20, total: 2, totalPages: 1 });
  });

  it('pages with page and pageSize', async () => {
    const user = await b.customer();
    const first = (await b.placeOrder({ customer: user })).order;
    const second = (await b.placeOrder({ customer: user })).order;
    const third = (await b.placeOrder({ customer: user })).order;

    expect(await list(user, '?pageSize=2')).toMatchObject({
      page: 1,
      pageSize: 2,
      total: 3,
      totalPages: 2,
    });
    expect(ids(await list(user, '?pageSize=2'))).toEqual([third.id, second.id]);
    expect(ids(await list(user, '?pageSize=2&page=2'))).toEqual([first.id]);
    expect(await list(user, '?pageSize=2&page=3')).toMatchObject({ items: [], total: 3 });
  });

  it('answers a customer without orders an empty page with totalPages 0', async () => {
    const user = await b.customer();
    expect(await list(user)).toEqual({ items: [], page: 1, pageSize: 20, total: 0, totalPages: 0 });
  });

  it('ignores userId from a customer: still their own orders only', async () => {
    const alice = await b.customer();
    const bob = await b.customer();
    await b.placeOrder({ customer: bob });
    const own = (await b.placeOrder({ customer: alice })).order;
    expect(ids(await list(alice, `?userId=${bob.id}`))).toEqual([own.id]);
  });

  it("shows staff every customer's orders, filtered by userId and status", async () => {
    const alice = await b.customer();
    const bob = await b.customer();
    const kept = (await b.placeOrder({ customer: alice })).order;
    const cancelled = (await b.placeOrder({ customer: alice })).order;
    const bobs = (await b.placeOrder({ customer: bob })).order;
    expectStatus(await b.cancel(cancelled.id, alice), 200);

    const everyone = await list(b.staff, '?pageSize=100');
    expect(ids(everyone)).toEqual(expect.arrayContaining([kept.id, cancelled.id, bobs.id]));
    expect(everyone.total).toBeGreaterThanOrEqual(3);

    expect(ids(await list(b.staff, `?userId=${alice.id}`))).toEqual([cancelled.id, kept.id]);
    expect(ids(await list(b.staff, `?userId=${alice.id}&status=cancelled`))).toEqual([
      cancelled.id,
    ]);
    expect(ids(await list(b.staff, `?userId=${alice.id}&status=pending`))).toEqual([kept.id]);
    const pending = await list(b.staff, '?status=pending&pageSize=100');
    expect(pending.items.every((o) => o.status === 'pending')).toBe(true);
  });

  it('rejects bad list parameters with 400', async () => {
    const user = await b.customer();
    const get = (query: string) =>
      t.http.get(`/api/orders${query}`).set('Authorization', user.auth);
    expectFieldError(await get('?status=lost'), 'status');
    expectFieldError(await get('?userId=nope'), 'userId');
    expectFieldError(await get('?page=0'), 'page');
    expectFieldError(await get('?pageSize=101'), 'pageSize');
  });

  it('shows an order to its owner and to staff', async () => {
    const { customer, order } = await b.placeOrder();
    expect(await b.getOrder(order.id, customer)).toEqual(order);
    expect(await b.getOrder(order.id, b.staff)).toEqual(order);
  });

  it("answers 404, not 403, to another customer's order", async () => {
    const { order } = await b.placeOrder();
    const stranger = await b.customer();
    const res = await t.http.get(`/api/orders/${order.id}`).set('Authorization', stranger.auth);
    expectError(res, 404, 'NOT_FOUND');
  });

  it('answers 404 to an unknown order id and 400 to one that is not a uuid', async () => {
    const user = await b.customer();
    expectError(
      await t.http.get(`/api/orders/${randomUUID()}`).set('Authorization', user.auth),
      404,
      'NOT_FOUND',
    );
    expectError(
      await t.http.get('/api/orders/12345').set('Authorization', user.auth),
      400,
      'BAD_REQUEST',
    );
  });

  it('answers 401 to listOrders and getOrder without a token', async () => {
    expectError(await t.http.get('/api/orders'), 401, 'UNAUTHORIZED');
    expectError(await t.http.get(`/api/orders/${randomUUID()}`), 401, 'UNAUTHORIZED');
  });
});
