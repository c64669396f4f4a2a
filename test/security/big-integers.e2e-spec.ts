/**
 * Integers beyond 32 bits (and values beyond what a PostgreSQL column holds) never reach the
 * database: each is a 400 VALIDATION_FAILED in the one error shape naming the field, never a 500.
 * Each case is one the API fuzzer (test/fuzz/api-fuzz.e2e-spec.ts, test/fuzz/big-integers.ts)
 * found answering 500.
 *
 * Elsewhere: prices and price filters over 2^31 - 1 and an order total that would overflow
 * (./resource-limits.e2e-spec.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { buildShop, expectErrorShape, type Shop } from './security-support.js';

const INT32_MAX = 2 ** 31 - 1;

/** A keyset cursor as the API writes them: base64url JSON `[sort, last value, last id]`. */
const cursorOf = (sort: string, valueJson: string, id: string): string =>
  Buffer.from(`[${JSON.stringify(sort)},${valueJson},${JSON.stringify(id)}]`).toString('base64url');

function expectInvalid(res: Response, field: string): void {
  expectErrorShape(res, 400, 'VALIDATION_FAILED');
  expect((res.body as { details: Array<{ field: string }> }).details).toEqual([
    expect.objectContaining({ field }),
  ]);
}

describe('integers beyond 32 bits', () => {
  let t: TestApp;
  let shop: Shop;

  beforeAll(async () => {
    t = await createTestApp();
    shop = await buildShop(t);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('keyset cursors', () => {
    it.each([
      ['price', String(INT32_MAX + 1)],
      ['-price', String(-(2 ** 32))],
      ['price', String(2 ** 53 - 1)],
      ['-reviews', String(INT32_MAX + 1)],
      ['reviews', String(-(2 ** 31) - 1)],
      ['-createdAt', '"-271821-04-20T00:00:00.000Z"'],
      ['name', '"a\\u0000b"'],
    ])(
      'answers 400 naming the cursor to a %s cursor whose value (%s) its column cannot hold',
      async (sort, value) => {
        const cursor = cursorOf(sort, value, shop.product.id);
        for (const path of ['/api/products', `/api/categories/${shop.category.slug}/products`]) {
          const res = await t.http.get(path).query({ sort, cursor });
          expectInvalid(res, 'cursor');
        }
      },
    );

    it('still pages with the cursor of a product at the largest price', async () => {
      const name = `Dearest ${Math.random().toString(36).slice(2, 8)}`;
      const created = await t.http
        .post('/api/products')
        .set('Authorization', shop.staff.auth)
        .send({
          name,
          sku: `BIG-${Math.random().toString(36).slice(2, 8)}`.toUpperCase(),
          price: INT32_MAX,
          stock: 1,
          categoryId: shop.category.id,
        });
      expect(created.status).toBe(201);
      // The shop's category: its product at 1,000, and this one.
      const list = `/api/categories/${shop.category.slug}/products`;
      const first = await t.http.get(list).query({ sort: '-price', pageSize: 1 });
      expect(first.body).toMatchObject({ items: [{ name, price: INT32_MAX }] });
      const next = await t.http
        .get(list)
        .query({ sort: '-price', pageSize: 1, cursor: String(first.body.nextCursor) });
      expect({ status: next.status, body: next.body as unknown }).toMatchObject({
        status: 200,
        body: { items: [{ id: shop.product.id, price: 1_000 }] },
      });
    });
  });

  describe("a product's total stock", () => {
    it("refuses a variant stock that would push its product's total past 2^31 - 1 with 409", async () => {
      const staff = (method: 'post' | 'patch', path: string, body: object) =>
        t.http[method](path).set('Authorization', shop.staff.auth).send(body);
      const attribute = await staff('post', '/api/attributes', {
        name: `Size ${Date.now()}`,
        values: ['S', 'M'],
      }).expect(201);
      const [s, m] = attribute.body.values as Array<{ id: string }>;
      const product = await staff('post', '/api/products', {
        name: `Stocked ${Date.now()}`,
        sku: `STK-${Math.random().toString(36).slice(2, 8)}`.toUpperCase(),
        price: 100,
        categoryId: shop.category.id,
      }).expect(201);
      const productId = String(product.body.id);
      const variant = async (valueId: string): Promise<string> => {
        const res = await staff('post', `/api/products/${productId}/variants`, {
          sku: `V-${Math.random().toString(36).slice(2, 10)}`.toUpperCase(),
          price: 100,
          stock: 1,
          attributeValueIds: [valueId],
        }).expect(201);
        return String(res.body.id);
      };
      const big = await variant(s.id);
      const other = await variant(m.id);
      // What 214 variants of 10,000,000 add up to, without making 214.
      await t.dataSource.query('UPDATE product_variants SET stock = $1 WHERE id = $2', [
        2_140_000_000,
        big,
      ]);
      const res = await staff('patch', `/api/products/${productId}/variants/${other}`, {
        stock: 10_000_000,
      });
      expectErrorShape(res, 409, 'PRODUCT_STOCK_TOO_LARGE');
      // Nothing changed: the variant keeps its stock, the product its sum.
      const after = await t.http.get(`/api/products/${productId}/variants/${other}`).expect(200);
      expect(after.body).toMatchObject({ stock: 1 });
    });
  });
});
