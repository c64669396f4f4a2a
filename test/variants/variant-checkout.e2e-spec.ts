import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { tally } from '../support/tally.js';
import { uniqueSku } from '../catalog/catalog-builders.js';
import { expectError, expectFieldError } from '../catalog/catalog-expect.js';
import {
  ADDRESS,
  type OrderBuilders,
  orderBuilders,
  type OrderView,
} from '../orders/order-builders.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  type AttributeView,
  type ProductWithVariants,
  type VariantBuilders,
  type VariantView,
  variantBuilders,
} from './variant-builders.js';

const UNKNOWN_ID = '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f';

interface VariantCartLine {
  id: string;
  product: ProductWithVariants;
  variant: VariantView | null;
  quantity: number;
  lineTotal: number;
  issue: string | null;
}

type VariantOrder = OrderView & {
  items: Array<
    OrderView['items'][number] & { variantId: string | null; variantName: string | null }
  >;
};

describe('variants in carts, checkout and cancellation', () => {
  let t: TestApp;
  let b: VariantBuilders;
  let o: OrderBuilders;
  let color: AttributeView;
  let categoryId: string;
  beforeAll(async () => {
    t = await createTestApp();
    b = await variantBuilders(t);
    o = await orderBuilders(t);
    color = await b.attribute(['Red', 'Blue']);
    categoryId = (await b.category()).id;
  });
  afterAll(async () => {
    await t.close();
  });

  const add = (user: TestUser, body: object) =>
    t.http.post('/api/cart/items').set('Authorization', user.auth).send(body);
  const variantStock = async (id: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ stock: number }>>(
      'SELECT stock FROM product_variants WHERE id = $1',
      [id],
    );
    return row?.stock ?? -1;
  };
  /** A product with a red (price 2500) and a blue (3000) variant. */
  const shirt = async (redStock = 5, blueStock = 5) => {
    const product = await b.product({ categoryId, price: 1000, stock: 0 });
    const red = await b.variant(product.id, {
      attributeValueIds: [b.valueId(color, 'Red')],
      price: 2500,
      stock: redStock,
    });
    const blue = await b.variant(product.id, {
      attributeValueIds: [b.valueId(color, 'Blue')],
      price: 3000,
      stock: blueStock,
    });
    return { product, red, blue };
  };

  it('needs a variantId for a product with variants; a product without keeps working', async () => {
    const { product, red } = await shirt();
    const customer = await o.customer();
    const required = expectError(
      await add(customer, { productId: product.id, quantity: 1 }),
      400,
      'VARIANT_REQUIRED',
    );
    expect(required.details).toEqual([{ field: 'variantId', message: expect.any(String) }]);
    expectFieldError(
      await add(customer, { productId: product.id, variantId: 'red', quantity: 1 }),
      'variantId',
    );
    // Unknown, or another product's variant: 404.
    const other = await shirt();
    expectError(
      await add(customer, { productId: product.id, variantId: other.red.id, quantity: 1 }),
      404,
      'NOT_FOUND',
    );
    expectError(
      await add(customer, { productId: product.id, variantId: UNKNOWN_ID, quantity: 1 }),
      404,
      'NOT_FOUND',
    );
    // A plain product refuses a variantId it does not have, and works without one.
    const plain = await b.product({ categoryId, stock: 3 });
    expectError(
      await add(customer, { productId: plain.id, variantId: red.id, quantity: 1 }),
      404,
      'NOT_FOUND',
    );
    await add(customer, { productId: plain.id, quantity: 1 }).expect(200);
    const res = await add(customer, { productId: product.id, variantId: red.id, quantity: 2 });
    expect(res.status).toBe(200);
    const lines = (res.body as { items: VariantCartLine[] }).items;
    expect(
      lines.map((l) => [l.product.id, l.variant?.id ?? null, l.quantity, l.lineTotal]),
    ).toEqual([
      [plain.id, null, 1, plain.price],
      [product.id, red.id, 2, 5000],
    ]);
    expect(lines[1]?.variant?.attributes.map((a) => a.value)).toEqual(['Red']);
    expect((res.body as { subtotal: number }).subtotal).toBe(plain.price + 5000);
  });

  it('keeps one line per variant and checks the variant stock', async () => {
    const { product, red, blue } = await shirt(3, 1);
    const customer = await o.customer();
    await add(customer, { productId: product.id, variantId: red.id, quantity: 2 }).expect(200);
    const more = await add(customer, { productId: product.id, variantId: red.id, quantity: 1 });
    expect((more.body as { items: VariantCartLine[] }).items.map((l) => l.quantity)).toEqual([3]);
    const over = expectError(
      await add(customer, { productId: product.id, variantId: red.id, quantity: 1 }),
      409,
      'INSUFFICIENT_STOCK',
    );
    expect(over.details).toEqual([
      { productId: product.id, variantId: red.id, requested: 4, available: 3 },
    ]);
    const both = await add(customer, { productId: product.id, variantId: blue.id, quantity: 1 });
    const lines = (both.body as { items: VariantCartLine[] }).items;
    expect(lines.map((l) => l.variant?.id)).toEqual([red.id, blue.id]);
    // Updating a line checks its variant's stock.
    const blueLine = lines[1];
    expectError(
      await t.http
        .patch(`/api/cart/items/${blueLine.id}`)
        .set('Authorization', customer.auth)
        .send({ quantity: 2 }),
      409,
      'INSUFFICIENT_STOCK',
    );
    // An inactive variant cannot be added, and its line is flagged.
    await t.http
      .patch(`/api/products/${product.id}/variants/${blue.id}`)
      .set('Authorization', b.staff.auth)
      .send({ isActive: false })
      .expect(200);
    expectError(
      await add(customer, { productId: product.id, variantId: blue.id, quantity: 1 }),
      409,
      'PRODUCT_UNAVAILABLE',
    );
    const cart = await t.http.get('/api/cart').set('Authorization', customer.auth).expect(200);
    expect((cart.body as { items: VariantCartLine[] }).items.map((l) => l.issue)).toEqual([
      null,
      'unavailable',
    ]);
  });

  it('orders a variant: snapshot of its SKU, name and price; stock taken from the variant', async () => {
    const { product, red, blue } = await shirt(4, 2);
    const customer = await o.customer();
    await add(customer, { productId: product.id, variantId: red.id, quantity: 3 }).expect(200);
    await add(customer, { productId: product.id, variantId: blue.id, quantity: 1 }).expect(200);
    const res = await o.checkout(customer);
    expect(res.status).toBe(201);
    const order = res.body as VariantOrder;
    expect(order.items).toEqual([
      {
        productId: product.id,
        variantId: red.id,
        sku: red.sku,
        name: product.name,
        variantName: 'Red',
        unitPrice: 2500,
        quantity: 3,
        lineTotal: 7500,
      },
      {
        productId: product.id,
        variantId: blue.id,
        sku: blue.sku,
        name: product.name,
        variantName: 'Blue',
        unitPrice: 3000,
        quantity: 1,
        lineTotal: 3000,
      },
    ]);
    expect(order.subtotal).toBe(10_500);
    expect(await variantStock(red.id)).toBe(1);
    expect(await variantStock(blue.id)).toBe(1);
    // The product's stock rolls up; the cached detail shows it.
    const detail = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(detail.body).toMatchObject({ stock: 2 });
    // Later variant changes do not touch the order.
    await t.http
      .patch(`/api/products/${product.id}/variants/${red.id}`)
      .set('Authorization', b.staff.auth)
      .send({ price: 1, name: 'Renamed', sku: uniqueSku() })
      .expect(200);
    const reread = await o.getOrder(order.id, customer);
    expect(reread.items).toEqual(order.items);
  });

  it('refuses a line without a variant once its product has variants', async () => {
    const product = await b.product({ categoryId, stock: 5 });
    const customer = await o.customer();
    await add(customer, { productId: product.id, quantity: 1 }).expect(200);
    await b.variant(product.id, { attributeValueIds: [b.valueId(color, 'Red')], stock: 5 });
    const cart = await t.http.get('/api/cart').set('Authorization', customer.auth).expect(200);
    expect((cart.body as { items: VariantCartLine[] }).items[0]?.issue).toBe('variant_required');
    const res = await o.checkout(customer);
    expectError(res, 409, 'PRODUCT_UNAVAILABLE');
    expect(
      await variantStock(
        (
          await t.dataSource.query<Array<{ id: string }>>(
            'SELECT id FROM product_variants WHERE product_id = $1',
            [product.id],
          )
        )[0]?.id ?? '',
      ),
    ).toBe(5);
  });

  it('sells the last unit of a variant to exactly one of 10 simultaneous buyers', async () => {
    const { product, red, blue } = await shirt(1, 10);
    const buyers = await o.customers(10);
    for (const buyer of buyers) {
      await add(buyer, { productId: product.id, variantId: red.id, quantity: 1 }).expect(200);
      // Another variant of the same product in every cart: the product row is shared.
      await add(buyer, { productId: product.id, variantId: blue.id, quantity: 1 }).expect(200);
    }
    const responses = await Promise.all(
      buyers.map((buyer) => o.checkout(buyer, { shippingAddress: ADDRESS })),
    );
    expect(tally(responses)).toEqual({ 201: 1, 409: 9 });
    for (const res of responses.filter((r) => r.status === 409)) {
      const body = expectError(res, 409, 'INSUFFICIENT_STOCK');
      expect(body.details).toEqual([
        { productId: product.id, variantId: red.id, requested: 1, available: 0 },
      ]);
    }
    expect(await variantStock(red.id)).toBe(0);
    expect(await variantStock(blue.id)).toBe(9);
    const [orders] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(DISTINCT order_id)::int AS n FROM order_items WHERE variant_id = $1',
      [red.id],
    );
    expect(orders?.n).toBe(1);
    const [row] = await t.dataSource.query<Array<{ stock: number }>>(
      'SELECT stock FROM products WHERE id = $1',
      [product.id],
    );
    expect(row?.stock).toBe(9);
  }, 60_000);

  it("gives a cancelled order's units back to its variants", async () => {
    const { product, red, blue } = await shirt(2, 3);
    const customer = await o.customer();
    await add(customer, { productId: product.id, variantId: red.id, quantity: 2 }).expect(200);
    await add(customer, { productId: product.id, variantId: blue.id, quantity: 1 }).expect(200);
    const placed = await o.checkout(customer);
    expect(placed.status).toBe(201);
    expect([await variantStock(red.id), await variantStock(blue.id)]).toEqual([0, 2]);
    // Out of stock in the cached detail and the lists: the red variant.
    const before = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect((before.body as ProductWithVariants).variants?.map((v) => v.stock)).toEqual([0, 2]);

    const cancelled = await o.cancel((placed.body as OrderView).id, customer);
    expect(cancelled.status).toBe(200);
    expect([await variantStock(red.id), await variantStock(blue.id)]).toEqual([2, 3]);
    const after = await t.http.get(`/api/products/${product.slug}`).expect(200);
    expect(after.body).toMatchObject({ stock: 5 });
    expect((after.body as ProductWithVariants).variants?.map((v) => v.stock)).toEqual([2, 3]);
  });

  it('deleting a variant flags its cart lines as deleted and leaves past orders intact', async () => {
    const { product, red } = await shirt(5, 5);
    const buyer = await o.customer();
    await add(buyer, { productId: product.id, variantId: red.id, quantity: 1 }).expect(200);
    const placed = await o.checkout(buyer);
    expect(placed.status).toBe(201);
    const holder = await o.customer();
    await add(holder, { productId: product.id, variantId: red.id, quantity: 1 }).expect(200);
    await t.http
      .delete(`/api/products/${product.id}/variants/${red.id}`)
      .set('Authorization', b.staff.auth)
      .expect(204);
    const cart = await t.http.get('/api/cart').set('Authorization', holder.auth).expect(200);
    const [line] = (cart.body as { items: Array<{ id: string }> }).items;
    expect((cart.body as { items: unknown[] }).items).toEqual([
      {
        id: line?.id,
        product: null,
        variant: null,
        quantity: 1,
        lineTotal: 0,
        issue: 'deleted',
        deletedProductName: `${product.name} – Red`,
      },
    ]);
    const refused = expectError(await o.checkout(holder), 409, 'PRODUCT_UNAVAILABLE');
    expect(refused.details).toEqual([{ cartItemId: line?.id }]);
    const order = await o.getOrder((placed.body as OrderView).id, buyer);
    expect((order as VariantOrder).items[0]).toMatchObject({
      variantId: red.id,
      variantName: 'Red',
    });
    // Cancelling it skips the deleted variant.
    expect((await o.cancel(order.id, buyer)).status).toBe(200);
  });
});
