import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { idsOf } from '../catalog/catalog-builders.js';
import { expectError, expectFieldError } from '../catalog/catalog-expect.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { type AttributeView, type VariantBuilders, variantBuilders } from './variant-builders.js';

interface Page {
  items: Array<{ id: string }>;
  total: number;
}

describe('product lists: the attribute filter', () => {
  let t: TestApp;
  let b: VariantBuilders;
  let color: AttributeView;
  let size: AttributeView;
  let category: string;
  let brand: string;
  /** red/S (in stock), blue/L (out of stock) */
  let shirt: string;
  /** red/L, green/S (inactive variant) */
  let hoodie: string;
  /** blue/S */
  let cap: string;
  /** no variants */
  let plain: string;

  beforeAll(async () => {
    t = await createTestApp();
    b = await variantBuilders(t);
    color = await b.attribute(['Red', 'Blue', 'Green']);
    size = await b.attribute(['S', 'L']);
    const cat = await b.category();
    const br = await b.brand();
    category = cat.slug;
    brand = br.slug;
    const v = (a: AttributeView, value: string) => b.valueId(a, value);
    const product = async () => (await b.product({ categoryId: cat.id, brandId: br.id })).id;
    [shirt, hoodie, cap, plain] = await Promise.all([product(), product(), product(), product()]);
    await b.variant(shirt, { attributeValueIds: [v(color, 'Red'), v(size, 'S')], stock: 3 });
    await b.variant(shirt, { attributeValueIds: [v(color, 'Blue'), v(size, 'L')], stock: 0 });
    await b.variant(hoodie, { attributeValueIds: [v(color, 'Red'), v(size, 'L')], stock: 2 });
    await b.variant(hoodie, {
      attributeValueIds: [v(color, 'Green'), v(size, 'S')],
      stock: 4,
      isActive: false,
    });
    await b.variant(cap, { attributeValueIds: [v(color, 'Blue'), v(size, 'S')], stock: 1 });
  });
  afterAll(async () => {
    await t.close();
  });

  const list = async (query: string, path = '/api/products'): Promise<string[]> => {
    const scope = path === '/api/products' ? `category=${category}&` : '';
    const res = await t.http.get(`${path}?${scope}pageSize=100&sort=name&${query}`);
    expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status: 200 });
    return idsOf(res.body as Page).sort();
  };
  const ids = (...values: string[]) => [...values].sort();
  const c = () => color.slug;
  const s = () => size.slug;

  it('keeps products with an active variant of the value', async () => {
    expect(await list(`attributes=${c()}:red`)).toEqual(ids(shirt, hoodie));
    expect(await list(`attributes=${c()}:blue`)).toEqual(ids(shirt, cap));
    // The green variant is inactive.
    expect(await list(`attributes=${c()}:green`)).toEqual([]);
  });

  it('needs one variant to match every attribute (AND), any listed value (OR)', async () => {
    expect(await list(`attributes=${c()}:red,${s()}:l`)).toEqual(ids(hoodie));
    expect(await list(`attributes=${s()}:s,${c()}:red`)).toEqual(ids(shirt));
    expect(await list(`attributes=${c()}:red|blue,${s()}:s`)).toEqual(ids(shirt, cap));
    expect(await list(`attributes=${c()}:red%7Cgreen`)).toEqual(ids(shirt, hoodie));
  });

  it('with inStock=true, the matching variant must be in stock', async () => {
    expect(await list(`attributes=${c()}:blue&inStock=true`)).toEqual(ids(cap));
    expect(await list(`attributes=${s()}:l&inStock=true`)).toEqual(ids(hoodie));
  });

  it('combines with the other filters, the count and the category and brand lists', async () => {
    const res = await t.http
      .get(`/api/products?category=${category}&attributes=${c()}:red&pageSize=1&sort=name`)
      .expect(200);
    expect((res.body as Page).total).toBe(2);
    expect(await list(`attributes=${c()}:red`, `/api/brands/${brand}/products`)).toEqual(
      ids(shirt, hoodie),
    );
    expect(await list(`attributes=${c()}:red`, `/api/categories/${category}/products`)).toEqual(
      ids(shirt, hoodie),
    );
    // Case does not matter; unknown attributes or values match nothing.
    expect(await list(`attributes=${c().toUpperCase()}:RED`)).toEqual(ids(shirt, hoodie));
    expect(await list('attributes=no-such-attribute:red')).toEqual([]);
    expect(await list(`attributes=${c()}:purple`)).toEqual([]);
    expect(await list(`attributes=${c()}:purple|red`)).toEqual(ids(shirt, hoodie));
    // Without the filter every product shows, the one without variants too.
    expect(await list('')).toEqual(ids(shirt, hoodie, cap, plain));
  });

  it('refuses bad syntax: 400 naming the attributes parameter', async () => {
    for (const bad of [
      'color',
      'color:',
      ':red',
      'color:red:blue',
      'color:red,',
      'color:red,color:blue',
      'color:red%20blue',
      'color:red||blue',
      'col_or:red',
      `color:${'a'.repeat(1001)}`,
      Array.from({ length: 11 }, (_, i) => `a${i}:x`).join(','),
    ]) {
      const res = await t.http.get(`/api/products?attributes=${bad}`);
      expectFieldError(res, 'attributes');
    }
    expectError(
      await t.http.get('/api/products?attributes=color:red&attributes=size:l'),
      400,
      'VALIDATION_FAILED',
    );
  });

  it('is answered through the indexes', async () => {
    // With sequential scans priced out, the plan shows which indexes serve the filter.
    const plan = await t.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows = await manager.query<Array<{ 'QUERY PLAN': string }>>(
        `EXPLAIN SELECT p.id FROM products p WHERE p.is_active AND p.id IN (
           SELECT v.product_id FROM product_variants v WHERE v.is_active AND v.id IN (
             SELECT x.variant_id FROM product_variant_values x
               JOIN attribute_values av ON av.id = x.attribute_value_id
               JOIN attributes a ON a.id = av.attribute_id
              WHERE a.slug = $1 AND av.slug IN ($2)))`,
        [color.slug, 'red'],
      );
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/attributes_slug_key/);
    expect(plan).toMatch(/attribute_values_attribute_slug_key/);
    expect(plan).toMatch(/product_variant_values_value_idx/);
    expect(plan).not.toMatch(/Seq Scan/);
  });
});
