/**
 * OWASP API1 (broken object-level authorization): every operation of openapi.json that takes an
 * id in its path is tried by a customer against an object that is not theirs (or not visible to
 * them), and the object is checked unchanged afterwards.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  buildShop,
  type Customer,
  customerWithOrder,
  documentedOperations,
  expectErrorShape,
  type Shop,
} from './security-support.js';

interface Case {
  /** The attacker's requests: each must answer `status`. */
  attacks: () => Array<Promise<Response>>;
  status: 403 | 404;
  /** The object's state, read from the database before and after the attacks: equal. */
  read: () => Promise<unknown>;
  /** The rightful caller does reach it (so the 403/404 is about who asks, not what). */
  rightful: () => Promise<Response>;
}

describe('object-level authorization on every id-taking route (API1)', () => {
  let t: TestApp;
  let shop: Shop;
  let alice: Customer;
  let mallory: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
    alice = await customerWithOrder(t, shop);
    mallory = (await customerWithOrder(t, shop)).user;
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (user: TestUser | undefined, req: ReturnType<TestApp['http']['get']>) =>
    user ? req.set('Authorization', user.auth) : req;
  const one = async <T>(sql: string, params: unknown[]): Promise<T> =>
    (await t.dataSource.query<T[]>(sql, params))[0];
  const orderStatus = () =>
    one<{ status: string }>('SELECT status FROM orders WHERE id = $1', [alice.orderId]);
  const product = () =>
    one<object>('SELECT name, price, stock, is_active FROM products WHERE id = $1', [
      shop.product.id,
    ]);
  const cartLine = () =>
    one<object>('SELECT quantity FROM cart_items WHERE id = $1', [alice.cartItemId]);
  const taxonomy = (table: 'categories' | 'brands', id: string) =>
    one<object>(`SELECT name, slug, is_active FROM ${table} WHERE id = $1`, [id]);

  const staffOnlyOn = (
    path: () => string,
    method: 'patch' | 'delete',
    body: object | undefined,
    read: () => Promise<unknown>,
  ): Case => ({
    attacks: () => [as(mallory, t.http[method](path())).send(body)],
    status: 403,
    read,
    rightful: () => as(shop.staff, t.http.get(path())),
  });

  const hiddenRead = (path: () => string): Case => ({
    attacks: () => [as(mallory, t.http.get(path())), t.http.get(path())],
    status: 404,
    read: () => Promise.resolve(undefined),
    rightful: () => as(shop.staff, t.http.get(path())),
  });

  const CASES: Record<string, () => Case> = {
    getOrder: () => ({
      attacks: () => [as(mallory, t.http.get(`/api/orders/${alice.orderId}`))],
      status: 404,
      read: orderStatus,
      rightful: () => as(alice.user, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    cancelOrder: () => ({
      attacks: () => [as(mallory, t.http.post(`/api/orders/${alice.orderId}/cancel`)).send({})],
      status: 404,
      read: orderStatus,
      rightful: () => as(shop.staff, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    updateOrderStatus: () => ({
      attacks: () => [
        as(mallory, t.http.patch(`/api/orders/${alice.orderId}/status`)).send({
          status: 'cancelled',
        }),
        as(alice.user, t.http.patch(`/api/orders/${alice.orderId}/status`)).send({
          status: 'delivered',
        }),
      ],
      status: 403,
      read: orderStatus,
      rightful: () => as(shop.staff, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    updateCartItem: () => ({
      attacks: () => [
        as(mallory, t.http.patch(`/api/cart/items/${alice.cartItemId}`)).send({ quantity: 7 }),
      ],
      status: 404,
      read: cartLine,
      rightful: () => as(alice.user, t.http.get('/api/cart')),
    }),
    removeCartItem: () => ({
      attacks: () => [as(mallory, t.http.delete(`/api/cart/items/${alice.cartItemId}`))],
      status: 404,
      read: cartLine,
      rightful: () => as(alice.user, t.http.get('/api/cart')),
    }),
    markNotificationRead: () => ({
      attacks: () => [as(mallory, t.http.post(`/api/notifications/${alice.notificationId}/read`))],
      status: 404,
      read: () => one('SELECT read_at FROM notifications WHERE id = $1', [alice.notificationId]),
      rightful: () => as(alice.user, t.http.get('/api/notifications/unread-count')),
    }),
    updateUserRole: () => ({
      attacks: () => [
        as(mallory, t.http.patch(`/api/users/${alice.user.id}/role`)).send({ role: 'customer' }),
        as(mallory, t.http.patch(`/api/users/${mallory.id}/role`)).send({ role: 'admin' }),
        as(shop.staff, t.http.patch(`/api/users/${shop.staff.id}/role`)).send({ role: 'admin' }),
      ],
      status: 403,
      read: () =>
        t.dataSource.query('SELECT id, role FROM users WHERE id = ANY($1) ORDER BY id', [
          [alice.user.id, mallory.id, shop.staff.id],
        ]),
      rightful: () => as(shop.admin, t.http.get('/api/users?pageSize=1')),
    }),
    getProduct: () => hiddenRead(() => `/api/products/${shop.hidden.product.slug}`),
    updateProduct: () =>
      staffOnlyOn(() => `/api/products/${shop.product.id}`, 'patch', { price: 1 }, product),
    deleteProduct: () =>
      staffOnlyOn(() => `/api/products/${shop.product.id}`, 'delete', undefined, product),
    getCategory: () => hiddenRead(() => `/api/categories/${shop.hidden.category.id}`),
    listCategoryProducts: () =>
      hiddenRead(() => `/api/categories/${shop.hidden.category.slug}/products`),
    updateCategory: () =>
      staffOnlyOn(
        () => `/api/categories/${shop.category.id}`,
        'patch',
        { name: 'Pwned', isActive: false },
        () => taxonomy('categories', shop.category.id),
      ),
    deleteCategory: () =>
      staffOnlyOn(
        () => `/api/categories/${shop.hidden.category.id}`,
        'delete',
        undefined,
        () => taxonomy('categories', shop.hidden.category.id),
      ),
    getBrand: () => hiddenRead(() => `/api/brands/${shop.hidden.brand.id}`),
    listBrandProducts: () => hiddenRead(() => `/api/brands/${shop.hidden.brand.slug}/products`),
    updateBrand: () =>
      staffOnlyOn(
        () => `/api/brands/${shop.brand.id}`,
        'patch',
        { name: 'Pwned' },
        () => taxonomy('brands', shop.brand.id),
      ),
    deleteBrand: () =>
      staffOnlyOn(
        () => `/api/brands/${shop.hidden.brand.id}`,
        'delete',
        undefined,
        () => taxonomy('brands', shop.hidden.brand.id),
      ),
  };

  it('has a case for every operation of openapi.json that takes an id in its path', () => {
    const idTaking = documentedOperations()
      .filter((op) => op.parameters.some((p) => p.in === 'path'))
      .map((op) => op.operationId)
      .sort();
    expect(Object.keys(CASES).sort()).toEqual(idTaking);
  });

  it.each(Object.keys(CASES))(
    "%s: a customer cannot reach another's (or a hidden) object, which stays unchanged",
    async (operationId) => {
      const c = CASES[operationId]();
      const before = await c.read();
      for (const res of await Promise.all(c.attacks())) expectErrorShape(res, c.status);
      expect(await c.read()).toEqual(before);
      const rightful = await c.rightful();
      expect(rightful.status).toBe(200);
    },
  );

  it("gives another customer's order the very 404 of an order that does not exist (no oracle)", async () => {
    const theirs = await as(mallory, t.http.get(`/api/orders/${alice.orderId}`));
    const nobodys = await as(mallory, t.http.get(`/api/orders/${randomUUID()}`));
    const strip = (res: Response) => ({ ...(res.body as object), requestId: undefined });
    expect(strip(theirs)).toEqual(strip(nobodys));
    expect(theirs.status).toBe(404);
  });

  it("ignores ?userId= from a customer: listOrders shows only the caller's orders", async () => {
    const res = await as(mallory, t.http.get(`/api/orders?userId=${alice.user.id}`)).expect(200);
    const owners = new Set((res.body.items as Array<{ userId: string }>).map((o) => o.userId));
    expect([...owners]).toEqual([mallory.id]);
    expect(res.text).not.toContain(alice.orderId);
  });

  it("never lists another customer's notifications, whatever `after` is", async () => {
    for (const query of ['', `?after=${alice.notificationId}`, '?unread=true&limit=100']) {
      const res = await as(mallory, t.http.get(`/api/notifications${query}`)).expect(200);
      expect(res.text).not.toContain(alice.notificationId);
      expect(res.text).not.toContain(alice.orderId);
    }
  });

  it('shows each customer their own cart only', async () => {
    const res = await as(mallory, t.http.get('/api/cart')).expect(200);
    expect(res.text).not.toContain(alice.cartItemId);
  });
});
