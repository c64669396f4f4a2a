/**
 * OWASP API4 (unrestricted resource consumption): request size, URL and parameter limits, page
 * sizes, and money amounts beyond what the database holds: every one a 4xx in the error shape,
 * never a 5xx or an unbounded query.
 *
 * Elsewhere: 413 for a JSON body over 1 MB and the parser accepting one just under it
 * (test/accounts/http-errors.e2e-spec.ts), 999 units per cart line (test/orders/cart.e2e-spec.ts),
 * the auth rate limits (test/accounts/rate-limit.e2e-spec.ts, ./brute-force.e2e-spec.ts), and
 * thousands of huge and hostile inputs (test/fuzz/api-fuzz.e2e-spec.ts).
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  ADDRESS,
  buildShop,
  documentedOperations,
  expectErrorShape,
  type Shop,
} from './security-support.js';

const MB = 1024 * 1024;
const INT32_MAX = 2_147_483_647;

describe('resource limits', () => {
  let t: TestApp;
  let shop: Shop;
  let customer: TestUser;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
    customer = await t.createUser();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('request size', () => {
    it.each([
      ['post', '/api/auth/register', false],
      ['patch', '/api/me', true],
      ['post', '/api/orders', true],
      ['post', '/api/cart/items', true],
      ['patch', `/api/products/00000000-0000-4000-8000-000000000000`, true],
    ] as const)('answers 413 to a body over 1 MB on %s %s', async (method, path, auth) => {
      const req = t.http[method](path).set('Content-Type', 'application/json');
      if (auth) void req.set('Authorization', customer.auth);
      const res = await req.send(JSON.stringify({ name: 'x'.repeat(MB) }));
      expectErrorShape(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 413 to a chunked body over 1 MB that announces no length', async () => {
      const url = new URL(t.baseUrl);
      const status = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest(
          {
            host: url.hostname,
            port: url.port,
            method: 'PATCH',
            path: '/api/me',
            headers: {
              authorization: customer.auth,
              'content-type': 'application/json',
              'transfer-encoding': 'chunked',
            },
          },
          (res) => {
            let body = '';
            res.on('data', (c: Buffer) => (body += c.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) =>
          // The server may answer and close before the whole upload is written.
          error.code === 'EPIPE' || error.code === 'ECONNRESET'
            ? resolve({ status: 413, body: '{"code":"PAYLOAD_TOO_LARGE"}' })
            : reject(error),
        );
        req.write('{"name":"');
        const chunk = 'x'.repeat(64 * 1024);
        for (let sent = 0; sent < 1.5 * MB; sent += chunk.length) req.write(chunk);
        req.end('"}');
      });
      expect(status.status).toBe(413);
      expect(JSON.parse(status.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    });

    it('answers 400, not a crash, to JSON nested 10,000 deep, and keeps serving', async () => {
      for (const raw of [
        `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
        `{"defaultShippingAddress":${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}}`,
      ]) {
        const res = await t.http
          .patch('/api/me')
          .set('Authorization', customer.auth)
          .set('Content-Type', 'application/json')
          .send(raw);
        expectErrorShape(res, 400);
      }
      await t.http.get('/api/me').set('Authorization', customer.auth).expect(200);
    });
  });

  describe('URLs and parameters', () => {
    it('answers 414 in the error shape to a path parameter over 200 characters', async () => {
      const res = await t.http.get(`/api/products/${'a'.repeat(201)}`);
      expectErrorShape(res, 414, 'URI_TOO_LONG');
      expect(res.text).not.toContain('a'.repeat(201));
    });

    it('answers 400 MALFORMED_URL in the error shape to a badly percent-encoded path', async () => {
      for (const path of ['/api/products/%E0%A4%A', '/api/orders/%zz', '/api/brands/%']) {
        const res = await t.http.get(path).set('Authorization', customer.auth);
        expectErrorShape(res, 400, 'MALFORMED_URL');
        expect(res.headers['x-content-type-options']).toBe('nosniff');
      }
    });

    it('answers 400 to a query string of 2,000 parameters', async () => {
      const query = Array.from({ length: 2_000 }, (_, i) => `q=${i}`).join('&');
      expectErrorShape(await t.http.get(`/api/products?${query}`), 400);
    });
  });

  describe('page sizes', () => {
    const paged = () =>
      documentedOperations().filter(
        (op) => op.method === 'get' && op.parameters.some((p) => p.name === 'pageSize'),
      );
    /** A webhook endpoint of the admin's, for its deliveries list. */
    let webhookId = '';
    beforeAll(async () => {
      const created = await t.http
        .post('/api/webhooks')
        .set('Authorization', shop.admin.auth)
        .send({ url: 'https://hooks.example.com/limits', events: ['order.created'] })
        .expect(201);
      webhookId = String((created.body as { id: string }).id);
    });
    // Gone at the end: every later order in the run would be delivered to it.
    afterAll(() => t.dataSource.query('DELETE FROM webhook_endpoints WHERE id = $1', [webhookId]));
    const pathOf = (path: string) =>
      path
        .replace('{id}', webhookId)
        .replace(
          '{idOrSlug}',
          path.startsWith('/api/products')
            ? shop.product.slug
            : path.includes('categories')
              ? shop.category.slug
              : shop.brand.slug,
        );
    /** Who may read each list (undefined: anyone). */
    const CALLERS: Record<string, () => TestUser | undefined> = {
      listProducts: () => undefined,
      listCategoryProducts: () => undefined,
      listBrandProducts: () => undefined,
      listProductReviews: () => undefined,
      listOrders: () => customer,
      listMyReviews: () => customer,
      listUsers: () => shop.admin,
      listCoupons: () => shop.staff,
      listReviews: () => shop.staff,
      listWebhookEndpoints: () => shop.admin,
      listWebhookDeliveries: () => shop.admin,
    };
    const callerOf = (operationId: string) => {
      const caller = CALLERS[operationId];
      if (!caller) throw new Error(`no caller known for ${operationId}`);
      return caller();
    };

    it('knows every paginated list of openapi.json', () => {
      expect(
        paged()
          .map((op) => op.operationId)
          .sort(),
      ).toEqual(Object.keys(CALLERS).sort());
    });

    it.each([
      ['pageSize=101'],
      ['pageSize=0'],
      ['pageSize=-1'],
      ['pageSize=1e9'],
      ['pageSize=100.5'],
      ['page=0'],
      ['page=1000001'],
      ['page=-1'],
      ['pageSize=100&pageSize=100'],
    ])('answers 400 to %s on every paginated list', async (query) => {
      for (const op of paged()) {
        const caller = callerOf(op.operationId);
        const req = t.http.get(`${pathOf(op.path)}?${query}`);
        if (caller) void req.set('Authorization', caller.auth);
        const res = await req;
        if (res.status !== 400) throw new Error(`${op.operationId}?${query}: ${res.status}`);
        expectErrorShape(res, 400);
      }
    });

    it('serves at most 100 items a page, the default 20', async () => {
      for (const op of paged()) {
        const caller = callerOf(op.operationId);
        const req = t.http.get(`${pathOf(op.path)}?pageSize=100`);
        if (caller) void req.set('Authorization', caller.auth);
        const res = await req.expect(200);
        expect(res.body.pageSize).toBe(100);
        expect(res.body.items.length).toBeLessThanOrEqual(100);
      }
      const res = await t.http.get('/api/products').expect(200);
      expect(res.body.pageSize).toBe(20);
    });

    it.each([
      ['/api/products/featured?limit=51', false],
      ['/api/products/featured?limit=0', false],
      ['/api/notifications?limit=101', true],
      ['/api/notifications?limit=0', true],
      [`/api/products?q=${'a'.repeat(201)}`, false],
      [`/api/users?q=${'a'.repeat(101)}`, true],
      // The attribute filter (docs/api/variants.md): at most 10 attributes, 20 values each, 1000
      // characters.
      [
        `/api/products?attributes=${Array.from({ length: 11 }, (_, i) => `a${i}:x`).join(',')}`,
        false,
      ],
      [
        `/api/products?attributes=color:${Array.from({ length: 21 }, (_, i) => `v${i}`).join('%7C')}`,
        false,
      ],
      [`/api/products?attributes=color:${'a'.repeat(1_001)}`, false],
    ])('answers 400 to %s', async (path, auth) => {
      const req = t.http.get(path);
      if (auth)
        void req.set(
          'Authorization',
          path.startsWith('/api/users') ? shop.admin.auth : customer.auth,
        );
      expectErrorShape(await req, 400);
    });
  });

  describe('money beyond what the database holds', () => {
    it('refuses a price, or a price filter, over the largest integer with 400 (not 500)', async () => {
      for (const price of [INT32_MAX + 1, 10_000_000_000]) {
        const res = await t.http
          .patch(`/api/products/${shop.product.id}`)
          .set('Authorization', shop.staff.auth)
          .send({ price });
        expectErrorShape(res, 400, 'VALIDATION_FAILED');
        expectErrorShape(await t.http.get(`/api/products?minPrice=${price}`), 400);
      }
    });

    it('refuses with 400 ORDER_TOO_LARGE a checkout whose total would overflow, and keeps cart and stock', async () => {
      const create = await t.http
        .post('/api/products')
        .set('Authorization', shop.staff.auth)
        .send({
          name: 'Very dear',
          sku: `DEAR-${Date.now()}`,
          price: INT32_MAX,
          stock: 10,
          categoryId: shop.category.id,
        })
        .expect(201);
      const buyer = await t.createUser();
      await t.http
        .post('/api/cart/items')
        .set('Authorization', buyer.auth)
        .send({ productId: create.body.id, quantity: 2 })
        .expect(200);
      const res = await t.http
        .post('/api/orders')
        .set('Authorization', buyer.auth)
        .send({ shippingAddress: ADDRESS });
      expectErrorShape(res, 400, 'ORDER_TOO_LARGE');
      const [row] = await t.dataSource.query<Array<{ stock: number }>>(
        'SELECT stock FROM products WHERE id = $1',
        [create.body.id],
      );
      expect(row?.stock).toBe(10);
      const cart = await t.http.get('/api/cart').set('Authorization', buyer.auth).expect(200);
      expect(cart.body.itemCount).toBe(2);
    });
  });
});
