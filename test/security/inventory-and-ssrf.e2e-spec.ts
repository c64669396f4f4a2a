/**
 * OWASP API9 (improper inventory management): the server serves exactly the API operations of
 * openapi.json, plus a known set of operational endpoints. OWASP API7 (server-side request
 * forgery): URLs clients store (product images, brand logos and websites, category images) are
 * http(s) only and never fetched by the server.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  buildShop,
  documentedOperations,
  expectErrorShape,
  type Shop,
} from './security-support.js';

/** Every route Fastify serves, as `METHOD /path` with `{param}`s, from its route tree. */
function servedRoutes(t: TestApp): string[] {
  const tree = t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:│ {3}| {4})*)[├└]── (.+?)(?: \(([^)]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = `${depth > 0 ? stack[depth - 1] : ''}${match[2]}`;
    stack.length = depth;
    stack.push(path);
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method === 'HEAD' || method === 'OPTIONS') continue;
      routes.push(`${method} ${path.replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes;
}

describe('inventory: what is served is what is documented (API9)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves every /api route documented in openapi.json, and no other', () => {
    const served = servedRoutes(t).filter((r) => r.includes(' /api/'));
    const documented = documentedOperations().map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(served.sort()).toEqual(documented.sort());
  });

  it('serves nothing else but the known operational endpoints', () => {
    const others = servedRoutes(t).filter((r) => !r.includes(' /api/'));
    const known = /^GET (\/health\/(live|ready)|\/metrics|\/docs.*|\/demo.*)$/;
    expect(others.filter((r) => !known.test(r))).toEqual([]);
    expect(others).toEqual(expect.arrayContaining(['GET /health/live', 'GET /health/ready']));
  });
});

describe('no server-side request forgery (API7)', () => {
  let t: TestApp;
  let shop: Shop;
  let trap: Server;
  let trapUrl: string;
  const hits: string[] = [];

  beforeAll(async () => {
    trap = createServer((req, res) => {
      hits.push(`${req.method} ${req.url}`);
      res.end('gotcha');
    });
    await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
    trapUrl = `http://127.0.0.1:${(trap.address() as AddressInfo).port}`;
    t = await createTestApp();
    shop = await buildShop(t);
  });
  afterAll(async () => {
    await t.close();
    await new Promise((resolve) => trap.close(resolve));
  });

  it('stores URLs pointing at internal hosts without ever requesting them', async () => {
    const staff = shop.staff.auth;
    const product = await t.http
      .post('/api/products')
      .set('Authorization', staff)
      .send({
        name: 'SSRF probe',
        sku: `SSRF-${Date.now()}`,
        price: 1,
        stock: 1,
        categoryId: shop.category.id,
        images: [{ url: `${trapUrl}/image.png`, alt: 'probe' }],
      })
      .expect(201);
    await t.http
      .patch(`/api/brands/${shop.brand.id}`)
      .set('Authorization', staff)
      .send({ logoUrl: `${trapUrl}/logo.png`, website: `${trapUrl}/site` })
      .expect(200);
    await t.http
      .patch(`/api/categories/${shop.category.id}`)
      .set('Authorization', staff)
      .send({ imageUrl: `${trapUrl}/category.png` })
      .expect(200);
    await t.http.get(`/api/products/${product.body.slug}`).expect(200);
    await t.http.get(`/api/brands/${shop.brand.slug}`).expect(200);
    await t.http.get(`/api/categories/${shop.category.slug}`).expect(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hits).toEqual([]);
  });

  it.each([
    'file:///etc/passwd',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'ftp://127.0.0.1/x',
    'gopher://127.0.0.1:6379/_FLUSHALL',
    '//127.0.0.1/x',
    'http:/x',
  ])('refuses %s as an image, logo, website or category image URL', async (url) => {
    const staff = shop.staff.auth;
    const attempts = [
      t.http
        .patch(`/api/products/${shop.product.id}`)
        .set('Authorization', staff)
        .send({ images: [{ url, alt: 'x' }] }),
      t.http
        .patch(`/api/brands/${shop.brand.id}`)
        .set('Authorization', staff)
        .send({ logoUrl: url }),
      t.http
        .patch(`/api/brands/${shop.brand.id}`)
        .set('Authorization', staff)
        .send({ website: url }),
      t.http
        .patch(`/api/categories/${shop.category.id}`)
        .set('Authorization', staff)
        .send({ imageUrl: url }),
    ];
    for (const res of await Promise.all(attempts)) expectErrorShape(res, 400, 'VALIDATION_FAILED');
  });
});
