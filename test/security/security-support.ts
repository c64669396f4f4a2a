/** Fixtures and assertions shared by the security suites (see docs/security.md). */
import { STATUS_CODES } from 'node:http';
import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import type { TestApp, TestUser } from '../support/test-app.js';

export const ADDRESS = {
  fullName: 'Sec Tester',
  line1: '1 Audit Street',
  city: 'Testville',
  postalCode: '12345',
  country: 'GB',
};

/** Asserts the one error shape (and nothing more) with this status, and the code when given. */
export function expectErrorShape(res: Response, status: number, code?: string): void {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({
    status,
    body: code === undefined ? {} : { code },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const { details, ...rest } = res.body as Record<string, unknown>;
  expect(rest).toEqual({
    statusCode: status,
    error: STATUS_CODES[status],
    message: expect.any(String),
    code: expect.stringMatching(/^[A-Z][A-Z0-9_]*$/),
    requestId: res.headers['x-request-id'],
  });
  if (details !== undefined) expect(typeof details).toBe('object');
}

/** What never appears in a response: stack frames, ORM/driver names, SQL, file paths. */
export const INTERNALS =
  /\n\s+at |at [\w$.<>]+ \(|QueryFailedError|TypeORMError|node_modules|\.ts:\d+|\.js:\d+|\bSELECT\b[\s\S]*\bFROM\b|\bINSERT INTO\b|\bUPDATE\b[\s\S]*\bSET\b|syntax error at or near|violates .* constraint|relation "|pg_/i;

export interface OpenApiOperation {
  operationId: string;
  method: string;
  path: string;
  parameters: Array<{ name: string; in: string }>;
  /** The documented response statuses. */
  responses: string[];
}

/** Every operation of the committed openapi.json. */
export function documentedOperations(): OpenApiOperation[] {
  const doc = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
    paths: Record<
      string,
      Record<string, { operationId?: string; parameters?: []; responses?: object }>
    >;
  };
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, op]) => ({
        operationId: String(op.operationId),
        method,
        path,
        parameters: op.parameters ?? [],
        responses: Object.keys(op.responses ?? {}),
      })),
  );
}

export interface Shop {
  staff: TestUser;
  admin: TestUser;
  category: { id: string; slug: string };
  brand: { id: string; slug: string };
  product: { id: string; slug: string };
  /** An inactive product, category and brand: visible to staff only. */
  hidden: {
    product: { id: string; slug: string };
    category: { id: string; slug: string };
    brand: { id: string; slug: string };
  };
}

function created(res: Response): { id: string; slug: string } {
  if (res.status !== 201) throw new Error(`fixture: ${res.status} ${res.text}`);
  return res.body as { id: string; slug: string };
}

/** Staff, an admin, and a small catalog: an active product (in stock) and inactive items. */
export async function buildShop(t: TestApp): Promise<Shop> {
  const [staff, admin] = await Promise.all([
    t.createUser({ role: 'staff' }),
    t.createUser({ role: 'admin' }),
  ]);
  const tag = Math.random().toString(36).slice(2, 10);
  const post = (path: string, body: object) =>
    t.http.post(path).set('Authorization', staff.auth).send(body).then(created);
  const category = await post('/api/categories', { name: `Sec cat ${tag}` });
  const brand = await post('/api/brands', { name: `Sec brand ${tag}` });
  const product = await post('/api/products', {
    name: `Sec product ${tag}`,
    sku: `SEC-${tag}`.toUpperCase(),
    price: 1_000,
    stock: 10_000,
    categoryId: category.id,
    brandId: brand.id,
  });
  const hiddenCategory = await post('/api/categories', { name: `Hidden ${tag}`, isActive: false });
  const hiddenBrand = await post('/api/brands', { name: `Hidden ${tag}`, isActive: false });
  const hiddenProduct = await post('/api/products', {
    name: `Hidden product ${tag}`,
    sku: `SEC-H-${tag}`.toUpperCase(),
    price: 500,
    stock: 5,
    categoryId: category.id,
    isActive: false,
  });
  return {
    staff,
    admin,
    category,
    brand,
    product,
    hidden: { product: hiddenProduct, category: hiddenCategory, brand: hiddenBrand },
  };
}

export interface Customer {
  user: TestUser;
  orderId: string;
  cartItemId: string;
  notificationId: string;
}

/** A customer with an order (and so a notification) and one line left in the cart. */
export async function customerWithOrder(t: TestApp, shop: Shop): Promise<Customer> {
  const user = await t.createUser();
  const as = (req: ReturnType<TestApp['http']['get']>) => req.set('Authorization', user.auth);
  await as(t.http.post('/api/cart/items'))
    .send({ productId: shop.product.id, quantity: 1 })
    .expect(200);
  const order = await as(t.http.post('/api/orders')).send({ shippingAddress: ADDRESS }).expect(201);
  const cart = await as(t.http.post('/api/cart/items'))
    .send({ productId: shop.product.id, quantity: 2 })
    .expect(200);
  const notifications = await as(t.http.get('/api/notifications')).expect(200);
  return {
    user,
    orderId: String(order.body.id),
    cartItemId: String(cart.body.items[0].id),
    notificationId: String(notifications.body.items[0].id),
  };
}
