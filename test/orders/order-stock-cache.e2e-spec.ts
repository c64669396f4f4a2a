import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  orderBuilders,
  type OrderBuilders,
  type OrderView,
  type ProductView,
} from './order-builders.js';
import { expectStatus } from './order-expect.js';

/**
 * `REDIS_URL` on a logical database this suite has to itself (other suites' product writes
 * bump the shared generations, which would turn the HIT this suite expects into a MISS);
 * undefined without `REDIS_URL`: the app's in-memory cache is its own anyway.
 */
function ownRedisDatabase(db: number): string | undefined {
  if (!process.env.REDIS_URL) return undefined;
  const url = new URL(process.env.REDIS_URL);
  url.pathname = `/${db}`;
  return url.toString();
}

describe('stock in cached catalog reads after checkouts and cancellations', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp({ REDIS_URL: ownRedisDatabase(13) });
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const read = async (path: string): Promise<Response> => {
    const res = await t.http.get(path);
    expectStatus(res, 200);
    return res;
  };
  /** Reads twice: the second read is served from the cache. */
  const cached = async (path: string): Promise<Response> => {
    await read(path);
    const res = await read(path);
    expect(res.headers['x-cache']).toBe('HIT');
    return res;
  };
  const listed = (res: Response, id: string): ProductView | undefined =>
    (res.body as { items: ProductView[] }).items.find((p) => p.id === id);

  it('shows the decremented stock on the first detail read after a checkout', async () => {
    const product = await b.product({ stock: 3 });
    const detail = `/api/products/${product.slug}`;
    expect((await cached(detail)).body).toMatchObject({ stock: 3, inStock: true });

    const buyer = await b.customer();
    await b.addToCart(buyer, product.id, 1);
    expectStatus(await b.checkout(buyer), 201);

    expect((await read(detail)).body).toMatchObject({ stock: 2, inStock: true });
  });

  it('drops a sold-out product from inStock=true lists, and lists it again after a cancel', async () => {
    const category = await b.category();
    const product = await b.product({ stock: 2, categoryId: category.id });
    const inStock = `/api/products?inStock=true&category=${category.slug}`;
    const outOfStock = `/api/products?inStock=false&category=${category.slug}`;
    const detail = `/api/products/${product.slug}`;
    expect(listed(await cached(inStock), product.id)).toMatchObject({ stock: 2 });
    expect(listed(await cached(outOfStock), product.id)).toBeUndefined();
    await cached(detail);

    const buyer = await b.customer();
    await b.addToCart(buyer, product.id, 2);
    const checkout = await b.checkout(buyer);
    expectStatus(checkout, 201);

    expect(listed(await read(inStock), product.id)).toBeUndefined();
    expect(listed(await read(outOfStock), product.id)).toMatchObject({ stock: 0, inStock: false });
    expect((await read(detail)).body).toMatchObject({ stock: 0, inStock: false });

    expectStatus(await b.cancel((checkout.body as OrderView).id, buyer), 200);

    expect(listed(await read(inStock), product.id)).toMatchObject({ stock: 2, inStock: true });
    expect(listed(await read(outOfStock), product.id)).toBeUndefined();
    expect((await read(detail)).body).toMatchObject({ stock: 2, inStock: true });
  });

  it('shows the stock given back by a cancel on the next detail read', async () => {
    const { customer, product, order } = await b.placeOrder({ quantity: 4 });
    const detail = `/api/products/${product.slug}`;
    expect((await cached(detail)).body).toMatchObject({ stock: 6 });

    expectStatus(await b.cancel(order.id, customer), 200);

    expect((await read(detail)).body).toMatchObject({ stock: 10 });
  });
});
