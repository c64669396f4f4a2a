/** Fixtures and assertions shared by the security suites (see docs/security.md). */
import { STATUS_CODES } from 'node:http';
import { readFileSync } from 'node:fs';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { PNG } from '../media/image-fixtures.js';
import type { TestApp, TestUser } from '../support/test-app.js';

export { PNG };

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

/** A staff request that must succeed: its body. */
async function staffCall(
  t: TestApp,
  staff: TestUser,
  method: 'post' | 'patch',
  path: string,
  body: object,
  status = method === 'post' ? 201 : 200,
): Promise<Record<string, unknown>> {
  const res = await t.http[method](path).set('Authorization', staff.auth).send(body);
  if (res.status !== status) throw new Error(`fixture ${path}: ${res.status} ${res.text}`);
  return res.body as Record<string, unknown>;
}

/** Moves an order through every status to `delivered`, as staff. */
export async function deliverOrder(t: TestApp, shop: Shop, orderId: string): Promise<void> {
  for (const status of ['confirmed', 'processing', 'shipped', 'delivered'])
    await staffCall(t, shop.staff, 'patch', `/api/orders/${orderId}/status`, {
      status,
      ...(status === 'shipped' ? { trackingNumber: 'SEC-TRK-1' } : {}),
    });
}

/** A fresh customer whose order of the shop's product was delivered (so they may review it). */
export async function deliveredBuyer(t: TestApp, shop: Shop): Promise<TestUser> {
  const user = await t.createUser();
  await t.http
    .post('/api/cart/items')
    .set('Authorization', user.auth)
    .send({ productId: shop.product.id, quantity: 1 })
    .expect(200);
  const order = await t.http
    .post('/api/orders')
    .set('Authorization', user.auth)
    .send({ shippingAddress: ADDRESS })
    .expect(201);
  await deliverOrder(t, shop, String(order.body.id));
  return user;
}

export const REVIEW = { rating: 4, title: 'Solid', text: 'Does what it says.' };

export type ImageOwner = 'products' | 'categories' | 'brands';

export interface Extras {
  /** An attribute with two values (Red, Blue). */
  attribute: { id: string; slug: string; valueIds: [string, string] };
  /** An active product with an active (Red) and an inactive (Blue) variant. */
  variantProduct: { id: string; slug: string };
  variant: { id: string };
  hiddenVariant: { id: string };
  coupon: { id: string; code: string };
  /** Two uploaded images of the shop's product, category and brand each. */
  images: Record<ImageOwner, { ownerId: string; imageIds: [string, string] }>;
}

/**
 * Staff-made fixtures of the issue 9 features: attributes, variants, a coupon and uploaded
 * images (the app needs its own `MEDIA_DIR`).
 */
export async function buildExtras(t: TestApp, shop: Shop): Promise<Extras> {
  const tag = Math.random().toString(36).slice(2, 10);
  const call = (method: 'post' | 'patch', path: string, body: object) =>
    staffCall(t, shop.staff, method, path, body);
  const attribute = await call('post', '/api/attributes', {
    name: `Sec colour ${tag}`,
    values: ['Red', 'Blue'],
  });
  const values = attribute.values as Array<{ id: string }>;
  const valueIds: [string, string] = [String(values[0]?.id), String(values[1]?.id)];
  const variantProduct = await call('post', '/api/products', {
    name: `Sec variant product ${tag}`,
    sku: `SEC-V-${tag}`.toUpperCase(),
    price: 2_000,
    stock: 0,
    categoryId: shop.category.id,
  });
  const variantPath = `/api/products/${String(variantProduct.id)}/variants`;
  const variant = await call('post', variantPath, {
    sku: `SEC-V-${tag}-R`.toUpperCase(),
    price: 2_100,
    stock: 50,
    attributeValueIds: [valueIds[0]],
  });
  const hiddenVariant = await call('post', variantPath, {
    sku: `SEC-V-${tag}-B`.toUpperCase(),
    price: 2_200,
    stock: 50,
    isActive: false,
    attributeValueIds: [valueIds[1]],
  });
  const coupon = await call('post', '/api/coupons', {
    code: `SEC-${tag}`.toUpperCase(),
    discountType: 'percentage',
    discountValue: 10,
  });
  const images = {} as Extras['images'];
  const owners: Array<[ImageOwner, string]> = [
    ['products', shop.product.id],
    ['categories', shop.category.id],
    ['brands', shop.brand.id],
  ];
  for (const [owner, ownerId] of owners) {
    const ids: string[] = [];
    for (const altText of ['first', 'second']) {
      const res = await t.http
        .post(`/api/${owner}/${ownerId}/images`)
        .set('Authorization', shop.staff.auth)
        .field('altText', altText)
        .attach('file', PNG, { filename: 'sec.png', contentType: 'image/png' });
      if (res.status !== 201) throw new Error(`fixture image: ${res.status} ${res.text}`);
      ids.push(String(res.body.id));
    }
    images[owner] = { ownerId, imageIds: [String(ids[0]), String(ids[1])] };
  }
  return {
    attribute: { id: String(attribute.id), slug: String(attribute.slug), valueIds },
    variantProduct: { id: String(variantProduct.id), slug: String(variantProduct.slug) },
    variant: { id: String(variant.id) },
    hiddenVariant: { id: String(hiddenVariant.id) },
    coupon: { id: String(coupon.id), code: String(coupon.code) },
    images,
  };
}

/** One database row as JSON (every column), or undefined. */
export async function rowOf(t: TestApp, table: string, id: string): Promise<unknown> {
  const rows = await t.dataSource.query<Array<{ row: unknown }>>(
    `SELECT to_jsonb(r) AS row FROM ${table} r WHERE r.id = $1`,
    [id],
  );
  return rows[0]?.row;
}

/** The rows of a table where `column` = `value`, as JSON ordered by id (null when none). */
export async function rowsOf(
  t: TestApp,
  table: string,
  column: string,
  value: string,
): Promise<unknown> {
  const rows = await t.dataSource.query<Array<{ rows: unknown }>>(
    `SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) AS rows FROM ${table} r WHERE r.${column} = $1`,
    [value],
  );
  return rows[0]?.rows ?? null;
}
