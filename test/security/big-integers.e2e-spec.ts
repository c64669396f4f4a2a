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
});
