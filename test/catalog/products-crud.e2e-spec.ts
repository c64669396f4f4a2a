import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type CatalogBuilders,
  catalogBuilders,
  idsOf,
  type ProductView,
  uniqueSku,
  uniqueWord,
} from './catalog-builders.js';
import { expectError, expectFieldError, ISO_DATE, UUID } from './catalog-expect.js';

const UNKNOWN_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

describe('products: writes and visibility', () => {
  let t: TestApp;
  let b: CatalogBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await catalogBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (body: object) =>
    t.http.post('/api/products').set('Authorization', b.staff.auth).send(body);
  const patch = (id: string, body: object) =>
    t.http.patch(`/api/products/${id}`).set('Authorization', b.staff.auth).send(body);

  it('creates a product as staff: 201 with the whole resource', async () => {
    const category = await b.category();
    const brand = await b.brand();
    const word = uniqueWord();
    const sku = uniqueSku();
    const res = await post({
      name: `Trail Runner ${word}`,
      sku,
      price: 8999,
      compareAtPrice: 9999,
      costPrice: 4000,
      categoryId: category.id,
      brandId: brand.id,
      description: 'Long description',
      shortDescription: 'Short',
      stock: 3,
      isFeatured: true,
      images: [{ url: 'https://cdn.example.com/a.jpg', alt: 'Side view' }],
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(UUID),
      slug: `trail-runner-${word}`,
      name: `Trail Runner ${word}`,
      sku,
      description: 'Long description',
      shortDescription: 'Short',
      price: 8999,
      compareAtPrice: 9999,
      currency: 'USD',
      stock: 3,
      inStock: true,
      isActive: true,
      isFeatured: true,
      category: { id: category.id, slug: category.slug, name: category.name },
      brand: { id: brand.id, slug: brand.slug, name: brand.name },
      images: [{ url: 'https://cdn.example.com/a.jpg', alt: 'Side view' }],
      costPrice: 4000,
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    const read = await t.http.get(`/api/products/${res.body.slug}`).expect(200);
    const { costPrice: _cost, lowStockThreshold: _threshold, ...publicView } = res.body;
    expect(read.body).toEqual(publicView);
  });

  it('creates a product with defaults: no brand, no stock, active, not featured', async () => {
    const category = await b.category();
    const res = await post({
      name: `Plain ${uniqueWord()}`,
      sku: uniqueSku(),
      price: 0,
      categoryId: category.id,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      price: 0,
      compareAtPrice: null,
      stock: 0,
      inStock: false,
      isActive: true,
      isFeatured: false,
      brand: null,
      images: [],
      description: '',
    });
  });

  it('updates a product as staff: 200 with the resource, the slug stays on rename', async () => {
    const category = await b.category();
    const other = await b.category();
    const brand = await b.brand();
    const created = await b.product({ categoryId: category.id, brandId: brand.id, price: 500 });
    const name = `Renamed ${uniqueWord()}`;
    const res = await patch(created.id, { name, price: 750, categoryId: other.id, brandId: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ...created,
      name,
      price: 750,
      category: { id: other.id, slug: other.slug, name: other.name },
      brand: null,
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(res.body.slug).toBe(created.slug);
    const read = await t.http.get(`/api/products/${created.slug}`).expect(200);
    expect(read.body).toMatchObject({ id: created.id, name, price: 750 });
  });

  it('deletes a product: 204, then 404 for everyone and on a second delete', async () => {
    const category = await b.category();
    const created = await b.product({ categoryId: category.id });
    await t.http.get(`/api/products/${created.slug}`).expect(200);
    const res = await t.http
      .delete(`/api/products/${created.id}`)
      .set('Authorization', b.staff.auth);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await t.http.get(`/api/products/${created.slug}`), 404, 'NOT_FOUND');
    expectError(
      await t.http.get(`/api/products/${created.slug}`).set('Authorization', b.staff.auth),
      404,
      'NOT_FOUND',
    );
    expectError(
      await t.http.delete(`/api/products/${created.id}`).set('Authorization', b.staff.auth),
      404,
      'NOT_FOUND',
    );
    const list = await t.http.get(`/api/products?category=${category.slug}`).expect(200);
    expect(list.body).toMatchObject({ items: [], total: 0, totalPages: 0 });
  });

  it('rejects product writes from a customer with 403 and without a token with 401', async () => {
    const category = await b.category();
    const created = await b.product({ categoryId: category.id, price: 100 });
    const body = { name: 'X', sku: uniqueSku(), price: 1, categoryId: category.id };
    const item = `/api/products/${created.id}`;
    const customer = b.customer.auth;
    expectError(
      await t.http.post('/api/products').set('Authorization', customer).send(body),
      403,
      'FORBIDDEN',
    );
    expectError(
      await t.http.patch(item).set('Authorization', customer).send({ price: 1 }),
      403,
      'FORBIDDEN',
    );
    expectError(await t.http.delete(item).set('Authorization', customer), 403, 'FORBIDDEN');
    expectError(await t.http.post('/api/products').send(body), 401, 'UNAUTHORIZED');
    expectError(await t.http.patch(item).send({ price: 1 }), 401, 'UNAUTHORIZED');
    expectError(await t.http.delete(item), 401, 'UNAUTHORIZED');
    expectError(
      await t.http.patch(item).set('Authorization', 'Bearer not-a-token').send({ price: 1 }),
      401,
      'UNAUTHORIZED',
    );
    const read = await t.http.get(`/api/products/${created.slug}`).expect(200);
    expect(read.body.price).toBe(100);
  });

  describe('validation', () => {
    let categoryId: string;
    beforeAll(async () => {
      categoryId = (await b.category()).id;
    });
    const valid = () => ({
      name: `Valid ${uniqueWord()}`,
      sku: uniqueSku(),
      price: 100,
      categoryId,
    });

    it.each([
      ['a negative price', { price: -1 }, 'price'],
      ['a non-integer price', { price: 10.5 }, 'price'],
      ['a price as a string', { price: '100' }, 'price'],
      ['a negative stock', { stock: -3 }, 'stock'],
      ['a categoryId that is not a UUID', { categoryId: 'shoes' }, 'categoryId'],
      ['a brandId that is not a UUID', { brandId: 'acme' }, 'brandId'],
      ['an SKU with spaces', { sku: 'HAS SPACE' }, 'sku'],
      ['an empty name', { name: '' }, 'name'],
      ['an unknown field', { slug: 'my-own-slug' }, 'slug'],
      ['an image without a URL', { images: [{ alt: 'x' }] }, 'images.0.url'],
    ])('rejects a product with %s with 400 naming the field', async (_, override, field) => {
      const res = await post({ ...valid(), ...override });
      expectFieldError(res, field);
    });

    it('rejects a product without price and categoryId, naming both', async () => {
      const res = await post({ name: 'Incomplete', sku: uniqueSku() });
      const body = expectFieldError(res, 'price');
      expect(body.details).toEqual(
        expect.arrayContaining([{ field: 'categoryId', message: expect.any(String) }]),
      );
    });

    it('rejects an unknown categoryId or brandId with 400 naming the field', async () => {
      const noCategory = await post({ ...valid(), categoryId: UNKNOWN_ID });
      expect(expectFieldError(noCategory, 'categoryId').details).toEqual([
        { field: 'categoryId', message: 'does not exist' },
      ]);
      expectFieldError(await post({ ...valid(), brandId: UNKNOWN_ID }), 'brandId');
      const created = await b.product({ categoryId });
      expectFieldError(await patch(created.id, { categoryId: UNKNOWN_ID }), 'categoryId');
    });

    it('rejects an invalid update and leaves the product as it was', async () => {
      const created = await b.product({ categoryId, price: 300 });
      expectFieldError(await patch(created.id, { price: -5 }), 'price');
      expectFieldError(await patch(created.id, { price: 1.25 }), 'price');
      expectFieldError(await patch(created.id, { slug: 'taken-over' }), 'slug');
      const read = await t.http.get(`/api/products/${created.slug}`).expect(200);
      expect(read.body).toMatchObject({ price: 300, slug: created.slug });
    });

    it('addresses a product by id or by slug; one matching neither is 404', async () => {
      const created = await b.product({ categoryId, price: 400 });
      const byId = await t.http.get(`/api/products/${created.id}`).expect(200);
      expect(byId.body).toMatchObject({ id: created.id, slug: created.slug, price: 400 });
      expect((await patch(created.slug, { price: 450 }).expect(200)).body.id).toBe(created.id);
      expectError(await patch(`no-such-${uniqueWord()}`, { price: 1 }), 404, 'NOT_FOUND');
      expectError(await patch(UNKNOWN_ID, { price: 1 }), 404, 'NOT_FOUND');
      expectError(
        await t.http.delete('/api/products/123').set('Authorization', b.staff.auth),
        404,
        'NOT_FOUND',
      );
      await t.http
        .delete(`/api/products/${created.slug}`)
        .set('Authorization', b.staff.auth)
        .expect(204);
      expectError(await t.http.get(`/api/products/${created.id}`), 404, 'NOT_FOUND');
    });

    it('rejects a body that is not JSON with 415', async () => {
      const res = await t.http
        .post('/api/products')
        .set('Authorization', b.staff.auth)
        .set('Content-Type', 'text/plain')
        .send('name=x');
      expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('SKUs and slugs', () => {
    it('rejects a duplicate SKU in another case with 409, on create and on update', async () => {
      const category = await b.category();
      const sku = uniqueSku();
      const first = await b.product({ categoryId: category.id, sku });
      const dup = await post({
        name: 'Copy',
        sku: sku.toLowerCase(),
        price: 1,
        categoryId: category.id,
      });
      expect(expectError(dup, 409, 'SKU_TAKEN').details).toEqual({ sku: sku.toLowerCase() });
      const second = await b.product({ categoryId: category.id });
      expectError(await patch(second.id, { sku: ` ${sku.toLowerCase()} ` }), 409, 'SKU_TAKEN');
      await patch(first.id, { sku: sku.toLowerCase() }).expect(200);
    });

    it('generates the slug from the name and suffixes collisions', async () => {
      const category = await b.category();
      const word = uniqueWord();
      const make = (name: string) => b.product({ categoryId: category.id, name });
      const first = await make(`Café Crème ${word}`);
      const second = await make(`Cafe Creme ${word}`);
      const third = await make(`CAFÉ — crème ${word}!`);
      expect(first.slug).toBe(`cafe-creme-${word}`);
      expect(second.slug).toBe(`cafe-creme-${word}-2`);
      expect(third.slug).toBe(`cafe-creme-${word}-3`);
      for (const p of [first, second, third]) {
        const read = await t.http.get(`/api/products/${p.slug}`).expect(200);
        expect(read.body.id).toBe(p.id);
      }
    });

    it('gives a product named like a fixed route a slug that getProduct can reach', async () => {
      const category = await b.category();
      const product = await b.product({ categoryId: category.id, name: 'Featured' });
      const read = await t.http.get(`/api/products/${product.slug}`).expect(200);
      expect(read.body.id).toBe(product.id);
    });
  });

  it('has the database refuse a negative stock (23514 products_stock_check), whoever writes it', async () => {
    const product = await b.product({ categoryId: (await b.category()).id, stock: 2 });
    await expect(
      t.dataSource.query('UPDATE products SET stock = -1 WHERE id = $1', [product.id]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'products_stock_check' });
    const [row] = await t.dataSource.query<Array<{ stock: number }>>(
      'SELECT stock FROM products WHERE id = $1',
      [product.id],
    );
    expect(row?.stock).toBe(2);
  });

  describe('visibility', () => {
    it('hides an inactive product from the public, shows it to staff with includeInactive', async () => {
      const category = await b.category();
      const active = await b.product({ categoryId: category.id });
      const inactive = await b.product({ categoryId: category.id, isActive: false });
      const scoped = `/api/products?category=${category.slug}`;
      const publicList = await t.http.get(scoped).expect(200);
      expect(idsOf(publicList.body)).toEqual([active.id]);
      expect(publicList.body.total).toBe(1);
      expectError(await t.http.get(`/api/products/${inactive.slug}`), 404, 'NOT_FOUND');
      const catList = await t.http.get(`/api/categories/${category.slug}/products`).expect(200);
      expect(idsOf(catList.body)).toEqual([active.id]);

      const staffList = await t.http
        .get(`${scoped}&includeInactive=true`)
        .set('Authorization', b.staff.auth)
        .expect(200);
      expect(idsOf(staffList.body)).toEqual([inactive.id, active.id]);
      const staffCat = await t.http
        .get(`/api/categories/${category.slug}/products?includeInactive=true`)
        .set('Authorization', b.staff.auth)
        .expect(200);
      expect(staffCat.body.total).toBe(2);
      const staffDetail = await t.http
        .get(`/api/products/${inactive.slug}`)
        .set('Authorization', b.staff.auth)
        .expect(200);
      expect(staffDetail.body).toMatchObject({ id: inactive.id, isActive: false });
    });

    it('ignores includeInactive from a customer and from anonymous callers', async () => {
      const category = await b.category();
      const active = await b.product({ categoryId: category.id });
      const inactive = await b.product({ categoryId: category.id, isActive: false });
      const url = `/api/products?category=${category.slug}&includeInactive=true`;
      const anonymous = await t.http.get(url).expect(200);
      const customer = await t.http.get(url).set('Authorization', b.customer.auth).expect(200);
      expect(idsOf(anonymous.body)).toEqual([active.id]);
      expect(idsOf(customer.body)).toEqual([active.id]);
      expectError(
        await t.http.get(`/api/products/${inactive.slug}`).set('Authorization', b.customer.auth),
        404,
        'NOT_FOUND',
      );
    });

    it('shows costPrice to staff and never to the public', async () => {
      const category = await b.category();
      const brand = await b.brand();
      const p = await b.product({ categoryId: category.id, brandId: brand.id, costPrice: 123 });
      expect(p.costPrice).toBe(123);
      const publicReads = [
        `/api/products/${p.slug}`,
        `/api/products?category=${category.slug}`,
        `/api/categories/${category.slug}/products`,
        `/api/brands/${brand.slug}/products`,
      ];
      for (const url of publicReads) {
        for (const auth of [undefined, b.customer.auth]) {
          const req = t.http.get(url);
          const res = await (auth ? req.set('Authorization', auth) : req).expect(200);
          const view = (res.body.items?.[0] ?? res.body) as ProductView;
          expect(view.id).toBe(p.id);
          expect(view).not.toHaveProperty('costPrice');
          expect(view).not.toHaveProperty('lowStockThreshold');
        }
        const staff = await t.http.get(url).set('Authorization', b.staff.auth).expect(200);
        expect((staff.body.items?.[0] ?? staff.body) as ProductView).toMatchObject({
          id: p.id,
          costPrice: 123,
        });
      }
    });
  });
});
