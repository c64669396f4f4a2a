import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { uniqueSku, uniqueWord } from '../catalog/catalog-builders.js';
import {
  expectError,
  expectFieldError,
  ISO_DATE,
  UUID,
  xCache,
} from '../catalog/catalog-expect.js';
import { isolatedRedisUrl } from '../support/redis.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type AttributeView,
  type ProductWithVariants,
  type VariantBuilders,
  type VariantView,
  variantBuilders,
} from './variant-builders.js';

const UNKNOWN_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

describe('product variants: staff CRUD and the product detail', () => {
  let t: TestApp;
  let b: VariantBuilders;
  let color: AttributeView;
  let size: AttributeView;
  let categoryId: string;
  beforeAll(async () => {
    // A Redis database of its own: other suites' catalog writes must not bump its namespaces
    // between a MISS and the HIT this suite expects.
    t = await createTestApp({ REDIS_URL: isolatedRedisUrl(5) });
    b = await variantBuilders(t);
    color = await b.attribute(['Red', 'Blue', 'Green']);
    size = await b.attribute(['S', 'L']);
    color = { ...color, position: 0 };
    categoryId = (await b.category()).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const staff = () => ({ Authorization: b.staff.auth });
  const red = () => b.valueId(color, 'Red');
  const blue = () => b.valueId(color, 'Blue');
  const small = () => b.valueId(size, 'S');
  const large = () => b.valueId(size, 'L');
  const detail = async (slug: string, auth?: string): Promise<ProductWithVariants> => {
    const req = t.http.get(`/api/products/${slug}`);
    if (auth) void req.set('Authorization', auth);
    const res = await req;
    expect(res.status).toBe(200);
    return res.body as ProductWithVariants;
  };

  it('creates a variant: 201 with its attribute values, a default name, the product currency', async () => {
    const product = await b.product({ categoryId, stock: 7 });
    const sku = uniqueSku();
    const res = await t.http
      .post(`/api/products/${product.slug}/variants`)
      .set(staff())
      .send({ sku, price: 2599, stock: 3, attributeValueIds: [large(), red()] });
    expect(res.status).toBe(201);
    const names = [color, size].sort(
      (a, b2) => a.position - b2.position || a.name.localeCompare(b2.name),
    );
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      productId: product.id,
      name: names.map((a) => (a.id === color.id ? 'Red' : 'L')).join(' / '),
      sku,
      price: 2599,
      currency: 'USD',
      stock: 3,
      inStock: true,
      isActive: true,
      position: 0,
      attributes: expect.arrayContaining([
        {
          attributeId: color.id,
          attributeSlug: color.slug,
          attributeName: color.name,
          valueId: red(),
          valueSlug: 'red',
          value: 'Red',
        },
        {
          attributeId: size.id,
          attributeSlug: size.slug,
          attributeName: size.name,
          valueId: large(),
          valueSlug: 'l',
          value: 'L',
        },
      ]),
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect((res.body as VariantView).attributes).toHaveLength(2);
  });

  it("rolls the product's stock up from its active variants, and shows them in the detail", async () => {
    const product = await b.product({ categoryId, stock: 40 });
    expect((await detail(product.slug)).hasVariants).toBe(false);
    const a = await b.variant(product.id, { attributeValueIds: [red(), small()], stock: 2 });
    const c = await b.variant(product.id, {
      attributeValueIds: [blue(), small()],
      stock: 5,
      position: 1,
    });
    const hidden = await b.variant(product.id, {
      attributeValueIds: [red(), large()],
      stock: 9,
      isActive: false,
    });
    const view = await detail(product.slug);
    // Its own stock (40) was replaced by the sum of the active variants' stock.
    expect(view).toMatchObject({ stock: 7, inStock: true, hasVariants: true });
    expect(view.variants?.map((v) => v.id)).toEqual([a.id, c.id]);
    expect(view.variants?.[0]?.attributes.map((x) => x.value).sort()).toEqual(['Red', 'S']);
    // Staff see the inactive one too; so does the staff variant list.
    const staffView = await detail(product.slug, b.staff.auth);
    expect(staffView.variants?.map((v) => v.id)).toEqual([a.id, hidden.id, c.id]);
    const publicList = await t.http.get(`/api/products/${product.id}/variants`).expect(200);
    expect((publicList.body as { items: VariantView[] }).items.map((v) => v.id)).toEqual([
      a.id,
      c.id,
    ]);
    await t.http.get(`/api/products/${product.id}/variants/${hidden.id}`).expect(404);
    await t.http.get(`/api/products/${product.id}/variants/${hidden.id}`).set(staff()).expect(200);

    // Activation, stock changes and deletion roll up.
    await t.http
      .patch(`/api/products/${product.id}/variants/${hidden.id}`)
      .set(staff())
      .send({ isActive: true })
      .expect(200);
    expect((await detail(product.slug)).stock).toBe(16);
    await t.http
      .patch(`/api/products/${product.id}/variants/${a.id}`)
      .set(staff())
      .send({ stock: 0, price: 999 })
      .expect(200);
    expect((await detail(product.slug)).stock).toBe(14);
    for (const v of [a, c, hidden])
      await t.http.delete(`/api/products/${product.id}/variants/${v.id}`).set(staff()).expect(204);
    expect(await detail(product.slug)).toMatchObject({
      stock: 0,
      hasVariants: false,
      variants: [],
    });
    // Its own stock is the staff's to set again.
    await t.http.patch(`/api/products/${product.id}`).set(staff()).send({ stock: 4 }).expect(200);
  });

  it('refuses to set the stock of a product with variants (it is theirs): 409', async () => {
    const product = await b.product({ categoryId });
    await b.variant(product.id, { attributeValueIds: [red()] });
    expectError(
      await t.http.patch(`/api/products/${product.id}`).set(staff()).send({ stock: 50 }),
      409,
      'STOCK_MANAGED_BY_VARIANTS',
    );
    await t.http.patch(`/api/products/${product.id}`).set(staff()).send({ price: 1 }).expect(200);
  });

  it('keeps SKUs unique across products and variants, in any case: 409', async () => {
    const product = await b.product({ categoryId });
    const other = await b.product({ categoryId });
    const variant = await b.variant(product.id, { attributeValueIds: [red()] });
    // A variant with another variant's or a product's SKU.
    for (const sku of [variant.sku.toLowerCase(), other.sku.toLowerCase()]) {
      expectError(
        await t.http
          .post(`/api/products/${product.id}/variants`)
          .set(staff())
          .send({ sku, price: 1, attributeValueIds: [blue()] }),
        409,
        'SKU_TAKEN',
      );
    }
    // A product with a variant's SKU, on create and on update.
    expectError(
      await t.http
        .post('/api/products')
        .set(staff())
        .send({ name: `P ${uniqueWord()}`, sku: variant.sku, price: 1, categoryId }),
      409,
      'SKU_TAKEN',
    );
    expectError(
      await t.http.patch(`/api/products/${other.id}`).set(staff()).send({ sku: variant.sku }),
      409,
      'SKU_TAKEN',
    );
    // Renaming the variant's SKU frees the old one.
    const renamed = uniqueSku();
    await t.http
      .patch(`/api/products/${product.id}/variants/${variant.id}`)
      .set(staff())
      .send({ sku: renamed })
      .expect(200);
    await t.http
      .patch(`/api/products/${other.id}`)
      .set(staff())
      .send({ sku: variant.sku })
      .expect(200);
    // A deleted product's variants free theirs.
    await t.http.delete(`/api/products/${product.id}`).set(staff()).expect(204);
    await b.variant(other.id, { attributeValueIds: [red()], sku: renamed });
  });

  it('keeps one variant per combination, one value per attribute, the same attributes: 409/400', async () => {
    const product = await b.product({ categoryId });
    const first = await b.variant(product.id, { attributeValueIds: [red(), small()] });
    const post = (attributeValueIds: string[]) =>
      t.http
        .post(`/api/products/${product.id}/variants`)
        .set(staff())
        .send({ sku: uniqueSku(), price: 100, attributeValueIds });
    const taken = expectError(await post([small(), red()]), 409, 'VARIANT_COMBINATION_TAKEN');
    expect(taken.details).toEqual({ variantId: first.id });
    expectFieldError(await post([red()]), 'attributeValueIds'); // missing Size
    expectFieldError(await post([red(), blue()]), 'attributeValueIds'); // two colors
    expectFieldError(await post([red(), small(), UNKNOWN_ID]), 'attributeValueIds');
    expectFieldError(await post([]), 'attributeValueIds');
    expectFieldError(await post([red(), red()]), 'attributeValueIds');
    expectFieldError(await post(['not-a-uuid']), 'attributeValueIds');
    // Updating into a taken combination is refused as well; into a free one works.
    const second = await b.variant(product.id, { attributeValueIds: [blue(), small()] });
    expectError(
      await t.http
        .patch(`/api/products/${product.id}/variants/${second.id}`)
        .set(staff())
        .send({ attributeValueIds: [red(), small()] }),
      409,
      'VARIANT_COMBINATION_TAKEN',
    );
    const moved = await t.http
      .patch(`/api/products/${product.id}/variants/${second.id}`)
      .set(staff())
      .send({ attributeValueIds: [blue(), large()] })
      .expect(200);
    // The default name follows the values.
    expect((moved.body as VariantView).name).toMatch(/Blue/);
    expect((moved.body as VariantView).name).toMatch(/\bL\b/);
  });

  it('validates variant bodies: 400, unknown fields rejected', async () => {
    const product = await b.product({ categoryId });
    const post = (body: object) =>
      t.http
        .post(`/api/products/${product.id}/variants`)
        .set(staff())
        .send({ sku: uniqueSku(), price: 100, attributeValueIds: [red()], ...body });
    expectFieldError(await post({ price: -1 }), 'price');
    expectFieldError(await post({ price: 1.5 }), 'price');
    expectFieldError(await post({ stock: -1 }), 'stock');
    expectFieldError(await post({ sku: 'bad sku' }), 'sku');
    expectFieldError(await post({ name: 'n'.repeat(201) }), 'name');
    expectFieldError(await post({ productId: UNKNOWN_ID }), 'productId');
    const variant = await b.variant(product.id, { attributeValueIds: [red()] });
    expectFieldError(
      await t.http
        .patch(`/api/products/${product.id}/variants/${variant.id}`)
        .set(staff())
        .send({ price: null }),
      'price',
    );
  });

  it('backs the stock with a CHECK: a variant never goes below zero', async () => {
    const product = await b.product({ categoryId });
    const variant = await b.variant(product.id, { attributeValueIds: [red()], stock: 1 });
    await expect(
      t.dataSource.query('UPDATE product_variants SET stock = stock - 2 WHERE id = $1', [
        variant.id,
      ]),
    ).rejects.toMatchObject({ code: '23514', constraint: 'product_variants_stock_check' });
  });

  it("answers 404 for unknown products and for another product's variant", async () => {
    const product = await b.product({ categoryId });
    const other = await b.product({ categoryId });
    const variant = await b.variant(product.id, { attributeValueIds: [red()] });
    await t.http.get(`/api/products/${UNKNOWN_ID}/variants`).expect(404);
    await t.http.get(`/api/products/${other.id}/variants/${variant.id}`).expect(404);
    await t.http.get(`/api/products/${product.id}/variants/not-an-id`).expect(404);
    for (const req of [
      t.http.patch(`/api/products/${other.id}/variants/${variant.id}`).send({ price: 5 }),
      t.http.delete(`/api/products/${other.id}/variants/${variant.id}`),
      t.http.post(`/api/products/${UNKNOWN_ID}/variants`).send({
        sku: uniqueSku(),
        price: 1,
        attributeValueIds: [red()],
      }),
    ])
      expectError(await req.set(staff()), 404, 'NOT_FOUND');
    // An inactive product's variants are hidden from the public.
    await t.http
      .patch(`/api/products/${product.id}`)
      .set(staff())
      .send({ isActive: false })
      .expect(200);
    await t.http.get(`/api/products/${product.id}/variants`).expect(404);
    await t.http.get(`/api/products/${product.id}/variants`).set(staff()).expect(200);
  });

  it('lets only staff write variants: customers 403, anonymous 401', async () => {
    const product = await b.product({ categoryId });
    const variant = await b.variant(product.id, { attributeValueIds: [red()] });
    const base = `/api/products/${product.id}/variants`;
    const writes = [
      () => t.http.post(base).send({ sku: uniqueSku(), price: 1, attributeValueIds: [blue()] }),
      () => t.http.patch(`${base}/${variant.id}`).send({ price: 1 }),
      () => t.http.delete(`${base}/${variant.id}`),
    ];
    for (const write of writes) {
      expectError(await write().set({ Authorization: b.customer.auth }), 403, 'FORBIDDEN');
      expectError(await write(), 401, 'UNAUTHORIZED');
    }
    const list = await t.http.get(base).expect(200);
    expect((list.body as { items: VariantView[] }).items).toEqual([variant]);
  });

  it('keeps the cached detail and lists correct across variant writes', async () => {
    const product = await b.product({ categoryId, stock: 3 });
    // Fill the caches.
    await t.http.get(`/api/products/${product.slug}`).expect(200);
    const hit = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(xCache(hit)).toBe('HIT');
    const list = `/api/products?category=${(await detail(product.slug)).category.slug}&pageSize=100`;
    await t.http.get(list).expect(200);

    const variant = await b.variant(product.id, { attributeValueIds: [red()], stock: 0 });
    const afterCreate = await detail(product.slug);
    expect(afterCreate).toMatchObject({ stock: 0, inStock: false, hasVariants: true });
    expect(afterCreate.variants?.map((v) => v.id)).toEqual([variant.id]);
    const listed = (await t.http.get(list).expect(200)).body as { items: ProductWithVariants[] };
    expect(listed.items.find((p) => p.id === product.id)).toMatchObject({
      hasVariants: true,
      inStock: false,
    });
    expect(listed.items.find((p) => p.id === product.id)?.variants).toBeUndefined();

    await t.http
      .patch(`/api/products/${product.id}/variants/${variant.id}`)
      .set(staff())
      .send({ stock: 6 })
      .expect(200);
    expect((await detail(product.slug)).variants?.[0]?.stock).toBe(6);
    const relisted = (await t.http.get(list).expect(200)).body as { items: ProductWithVariants[] };
    expect(relisted.items.find((p) => p.id === product.id)).toMatchObject({
      stock: 6,
      inStock: true,
    });

    // Renaming an attribute value shows in the cached detail.
    const renamed = `Crimson ${uniqueWord(4)}`;
    await t.http
      .patch(`/api/attributes/${color.id}/values/red`)
      .set(staff())
      .send({ value: renamed })
      .expect(200);
    expect((await detail(product.slug)).variants?.[0]?.attributes[0]?.value).toBe(renamed);
    await t.http
      .patch(`/api/attributes/${color.id}/values/red`)
      .set(staff())
      .send({ value: 'Red' })
      .expect(200);
  });
});
