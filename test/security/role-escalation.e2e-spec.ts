/**
 * OWASP API5 (broken function-level authorization) and API3 (broken object property level
 * authorization): customers calling staff and admin operations, and clients setting properties
 * they must not (role, price, stock, status, totals, ownership) through any endpoint.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  ADDRESS,
  buildShop,
  type Customer,
  customerWithOrder,
  documentedOperations,
  expectErrorShape,
  type Shop,
} from './security-support.js';

type Method = 'get' | 'post' | 'patch' | 'delete';

describe('function-level authorization (API5)', () => {
  let t: TestApp;
  let shop: Shop;
  let customer: Customer;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
    customer = await customerWithOrder(t, shop);
  });
  afterAll(async () => {
    await t.close();
  });

  /** Each staff or admin operation with a request that would succeed for the right role. */
  const requests = (): Record<string, [Method, string, object?]> => ({
    createProduct: [
      'post',
      '/api/products',
      { name: 'Escalated', sku: 'ESC-1', price: 1, categoryId: shop.category.id },
    ],
    updateProduct: ['patch', `/api/products/${shop.product.id}`, { price: 1, stock: 99_999 }],
    deleteProduct: ['delete', `/api/products/${shop.product.id}`],
    createCategory: ['post', '/api/categories', { name: 'Escalated' }],
    updateCategory: ['patch', `/api/categories/${shop.category.id}`, { name: 'Escalated' }],
    deleteCategory: ['delete', `/api/categories/${shop.hidden.category.id}`],
    createBrand: ['post', '/api/brands', { name: 'Escalated' }],
    updateBrand: ['patch', `/api/brands/${shop.brand.id}`, { name: 'Escalated' }],
    deleteBrand: ['delete', `/api/brands/${shop.hidden.brand.id}`],
    updateOrderStatus: ['patch', `/api/orders/${customer.orderId}/status`, { status: 'confirmed' }],
    listUsers: ['get', '/api/users'],
    updateUserRole: ['patch', `/api/users/${customer.user.id}/role`, { role: 'admin' }],
  });
  const ADMIN_ONLY = ['listUsers', 'updateUserRole'];
  const send = (user: TestUser | undefined, [method, path, body]: [Method, string, object?]) => {
    const req = t.http[method](path);
    if (user) void req.set('Authorization', user.auth);
    return body ? req.send(body) : req;
  };
  /** What the attempts could have changed: this suite's objects, and anything named like them. */
  const state = () =>
    t.dataSource.query(
      `SELECT (SELECT count(*) FROM products WHERE name = 'Escalated' OR sku = 'ESC-1')::int AS p,
              (SELECT count(*) FROM categories WHERE name = 'Escalated')::int AS c,
              (SELECT count(*) FROM brands WHERE name = 'Escalated')::int AS b,
              (SELECT name || price || stock || is_active FROM products WHERE id = $3) AS product,
              (SELECT string_agg(name || is_active, ',' ORDER BY id) FROM categories
                WHERE id = ANY($4)) AS categories,
              (SELECT string_agg(name || is_active, ',' ORDER BY id) FROM brands
                WHERE id = ANY($5)) AS brands,
              (SELECT status FROM orders WHERE id = $1) AS status,
              (SELECT role FROM users WHERE id = $2) AS role`,
      [
        customer.orderId,
        customer.user.id,
        shop.product.id,
        [shop.category.id, shop.hidden.category.id],
        [shop.brand.id, shop.hidden.brand.id],
      ],
    );

  it('covers every documented operation that answers 403, except the owner-checked cancelOrder', () => {
    const guarded = documentedOperations()
      .filter((op) => op.responses.includes('403') && op.operationId !== 'cancelOrder')
      .map((op) => op.operationId);
    expect(guarded.sort()).toEqual(Object.keys(requests()).sort());
  });

  it.each([
    'createProduct',
    'updateProduct',
    'deleteProduct',
    'createCategory',
    'updateCategory',
    'deleteCategory',
    'createBrand',
    'updateBrand',
    'deleteBrand',
    'updateOrderStatus',
    'listUsers',
    'updateUserRole',
  ])('%s: 403 for a customer, 401 without a token, and nothing changes', async (operationId) => {
    const request = requests()[operationId];
    const before = await state();
    expectErrorShape(await send(customer.user, request), 403, 'FORBIDDEN');
    expectErrorShape(await send(undefined, request), 401);
    if (ADMIN_ONLY.includes(operationId))
      expectErrorShape(await send(shop.staff, request), 403, 'FORBIDDEN');
    expect(await state()).toEqual(before);
  });

  it("lets no one but an admin change a role, not even a customer's own (self-promotion)", async () => {
    for (const user of [customer.user, shop.staff]) {
      const res = await send(user, ['patch', `/api/users/${user.id}/role`, { role: 'admin' }]);
      expectErrorShape(res, 403, 'FORBIDDEN');
    }
    const me = await t.http.get('/api/me').set('Authorization', customer.user.auth).expect(200);
    expect(me.body.role).toBe('customer');
  });
});

describe('property-level authorization: no mass assignment (API3)', () => {
  let t: TestApp;
  let shop: Shop;
  let customer: Customer;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
    customer = await customerWithOrder(t, shop);
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (user: TestUser, method: Method, path: string, body?: unknown): Promise<Response> =>
    t.http[method](path)
      .set('Authorization', user.auth)
      .send(body as object);
  const snapshot = () =>
    t.dataSource.query(
      `SELECT u.role, u.email, u.name,
              (SELECT count(*) FROM orders o WHERE o.user_id = u.id)::int AS orders,
              (SELECT string_agg(i.quantity::text, ',') FROM cart_items i JOIN carts c ON c.id = i.cart_id
                WHERE c.user_id = u.id) AS cart,
              (SELECT stock FROM products WHERE id = $2) AS stock,
              (SELECT price FROM products WHERE id = $2) AS price,
              (SELECT status || payment_status || total FROM orders WHERE id = $3) AS order
         FROM users u WHERE u.id = $1`,
      [customer.user.id, shop.product.id, customer.orderId],
    );

  const MASS_ASSIGNMENTS: Array<[string, Method, () => string, () => unknown, string]> = [
    ['a role through updateMe', 'patch', () => '/api/me', () => ({ role: 'admin' }), 'role'],
    ['isAdmin through updateMe', 'patch', () => '/api/me', () => ({ isAdmin: true }), 'isAdmin'],
    [
      'an email through updateMe',
      'patch',
      () => '/api/me',
      () => ({ email: 'x@evil.test' }),
      'email',
    ],
    ['an id through updateMe', 'patch', () => '/api/me', () => ({ id: shop.admin.id }), 'id'],
    [
      'a password hash through updateMe',
      'patch',
      () => '/api/me',
      () => ({ passwordHash: 'scrypt$1$1$1$x$y' }),
      'passwordHash',
    ],
    [
      'a role nested in the address',
      'patch',
      () => '/api/me',
      () => ({ defaultShippingAddress: { ...ADDRESS, role: 'admin' } }),
      'defaultShippingAddress.role',
    ],
    [
      'a price through addCartItem',
      'post',
      () => '/api/cart/items',
      () => ({ productId: shop.product.id, quantity: 1, price: 0 }),
      'price',
    ],
    [
      'a unit price through addCartItem',
      'post',
      () => '/api/cart/items',
      () => ({ productId: shop.product.id, quantity: 1, unitPrice: 0 }),
      'unitPrice',
    ],
    [
      'a price through updateCartItem',
      'patch',
      () => `/api/cart/items/${customer.cartItemId}`,
      () => ({ quantity: 1, price: 0 }),
      'price',
    ],
    ...(['total', 'subtotal', 'discountAmount', 'price', 'userId'] as const).map(
      (field): [string, Method, () => string, () => unknown, string] => [
        `${field} through checkout`,
        'post',
        () => '/api/orders',
        () => ({
          shippingAddress: ADDRESS,
          [field]: field === 'userId' ? shop.admin.id : 0,
        }),
        field,
      ],
    ),
    [
      'a status through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, status: 'delivered' }),
      'status',
    ],
    [
      'a payment status through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, paymentStatus: 'paid' }),
      'paymentStatus',
    ],
    [
      'items through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, items: [{ productId: shop.product.id, unitPrice: 0 }] }),
      'items',
    ],
    [
      'a status through cancelOrder',
      'post',
      () => `/api/orders/${customer.orderId}/cancel`,
      () => ({ status: 'refunded' }),
      'status',
    ],
  ];

  it.each(MASS_ASSIGNMENTS)(
    'rejects %s with 400 naming the field, and changes nothing',
    async (_, method, path, body, field) => {
      const before = await snapshot();
      const res = await as(customer.user, method, path(), body());
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      expect(await snapshot()).toEqual(before);
    },
  );

  it('refuses read-only and server-owned product properties from staff too', async () => {
    for (const body of [{ slug: 'mine' }, { id: shop.admin.id }, { createdAt: '2000-01-01' }]) {
      const res = await as(shop.staff, 'patch', `/api/products/${shop.product.id}`, body);
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
    }
    for (const body of [{ stock: -1 }, { price: -1 }, { stock: 1.5 }, { price: '0' }]) {
      const res = await as(shop.staff, 'patch', `/api/products/${shop.product.id}`, body);
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
    }
    const res = await as(shop.staff, 'patch', `/api/orders/${customer.orderId}/status`, {
      status: 'confirmed',
      total: 0,
    });
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
  });

  it.each([
    ['__proto__', '{"__proto__": {"role": "admin"}}'],
    ['constructor.prototype', '{"constructor": {"prototype": {"role": "admin"}}}'],
    [
      'a nested __proto__',
      '{"name": "x", "defaultShippingAddress": {"__proto__": {"role": "admin"}}}',
    ],
  ])('rejects a body polluting %s with 400 and stays unpolluted', async (_, raw) => {
    const res = await t.http
      .patch('/api/me')
      .set('Authorization', customer.user.auth)
      .set('Content-Type', 'application/json')
      .send(raw);
    expectErrorShape(res, 400);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    const me = await t.http.get('/api/me').set('Authorization', customer.user.auth).expect(200);
    expect(me.body.role).toBe('customer');
  });

  it('never sends password hashes, to users or to admins', async () => {
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: customer.user.email, password: customer.user.password })
      .expect(200);
    const users = await t.http.get('/api/users?pageSize=100').set('Authorization', shop.admin.auth);
    const me = await t.http.get('/api/me').set('Authorization', customer.user.auth);
    for (const res of [login, users, me]) {
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/scrypt\$|passwordHash|password_hash|secretHash/);
    }
  });
});
