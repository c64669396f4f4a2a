/**
 * OWASP API9 (improper inventory management): the server serves exactly the API operations of
 * openapi.json, plus a known set of operational endpoints. OWASP API7 (server-side request
 * forgery): URLs clients store (product images, brand logos and websites, category images) are
 * http(s) only and never fetched by the server.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pixelsOf, tempMediaDir } from '../media/media-support.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  buildShop,
  documentedOperations,
  expectErrorShape,
  PNG,
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
  /** A scratch directory holding the media directory and a decoy file next to it. */
  const root = tempMediaDir();
  const mediaDir = join(root, 'media');
  /** A name in the media key format, stored outside the media directory. */
  const DECOY = `${'d'.repeat(32)}.png`;
  beforeAll(async () => {
    mkdirSync(mediaDir);
    writeFileSync(join(root, DECOY), PNG);
    writeFileSync(join(mediaDir, 'notes.txt'), 'not an upload');
    writeFileSync(join(mediaDir, 'notes.png'), PNG);
    t = await createTestApp({ MEDIA_DIR: mediaDir });
  });
  afterAll(async () => {
    await t.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('serves every /api route documented in openapi.json, and no other', () => {
    const served = servedRoutes(t).filter((r) => r.includes(' /api/'));
    const documented = documentedOperations().map((op) => `${op.method.toUpperCase()} ${op.path}`);
    expect(served.sort()).toEqual(documented.sort());
  });

  it('serves nothing else but the known operational endpoints', () => {
    const others = servedRoutes(t).filter((r) => !r.includes(' /api/'));
    // /media/{key}: the public uploaded images (docs/api/media.md), plain Fastify by design.
    // /reset-password, /verify-email, /orders/{id}: the demo shop's pages that emails link to
    // (docs/api/accounts-recovery.md), served with the demo.
    const known =
      /^GET (\/health\/(live|ready)|\/metrics|\/docs.*|\/demo.*|\/media\/\{key\}|\/reset-password|\/verify-email|\/orders\/\{id\})$/;
    expect(others.filter((r) => !known.test(r))).toEqual([]);
    expect(others).toEqual(
      expect.arrayContaining(['GET /health/live', 'GET /health/ready', 'GET /media/{key}']),
    );
  });

  it('serves under /media only the files stored there under a media key (no traversal)', async () => {
    const staff = await t.createUser({ role: 'staff' });
    const category = await t.http
      .post('/api/categories')
      .set('Authorization', staff.auth)
      .send({ name: `Media inventory ${Date.now()}` })
      .expect(201);
    const image = await t.http
      .post(`/api/categories/${category.body.id}/images`)
      .set('Authorization', staff.auth)
      .attach('file', PNG, { filename: 'x.png', contentType: 'image/png' })
      .expect(201);
    const url = String(image.body.url);
    const stored = await t.http.get(url).buffer(true).expect(200);
    expect(stored.headers['content-type']).toBe('image/png');
    expect(stored.headers['x-content-type-options']).toBe('nosniff');
    expect(stored.headers['content-security-policy']).toBe("default-src 'none'; sandbox");
    expect(await pixelsOf(stored.body as Buffer)).toEqual(await pixelsOf(PNG));

    const key = url.slice('/media/'.length);
    for (const path of [
      '/media/..%2F..%2Fetc%2Fpasswd',
      '/media/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/media/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/media/..%5C..%5Cetc%5Cpasswd',
      `/media/..%2F${DECOY}`,
      `/media/%2e%2e%2f${DECOY}`,
      `/media/..%2Fmedia%2F${key}`,
      `/media/.%2F${key}`,
      `/media/${key.toUpperCase()}`,
      `/media/${key.replace('.png', '.svg')}`,
      '/media/notes.txt',
      '/media/notes.png',
      `/media/${'0'.repeat(32)}.png`,
      '/media/.',
      '/media/',
      '/media/%2e%2e',
    ]) {
      const res = await t.http.get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expectErrorShape(res, 404);
      expect(res.text).not.toContain('root:');
    }
  });

  // The preValidation hook that refuses NUL characters (src/app.factory.ts) fails this
  // plain-Fastify route too: its own error handler must answer in the one shape.
  it('answers a NUL byte in a /media key with 400 in the one error shape', async () => {
    const res = await t.http.get(`/media/${'0'.repeat(32)}%00.png`);
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
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
  ])(
    'refuses %s as an image, logo, website, category image or profile website URL',
    async (url) => {
      const staff = shop.staff.auth;
      const customer = await t.createUser();
      const attempts = [
        t.http.patch('/api/me/profile').set('Authorization', customer.auth).send({ website: url }),
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
      for (const res of await Promise.all(attempts))
        expectErrorShape(res, 400, 'VALIDATION_FAILED');
    },
  );
});
