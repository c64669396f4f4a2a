import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { expectError } from '../orders/order-expect.js';
import { type AttributeView, type VariantBuilders, variantBuilders } from './variant-builders.js';

interface Line {
  product: { id: string };
  variant: { id: string } | null;
  quantity: number;
}

/** A wishlist holds products; moving one with variants to the cart names the variant. */
describe('moving a product with variants from a wishlist to the cart', () => {
  let t: TestApp;
  let b: VariantBuilders;
  let size: AttributeView;
  beforeAll(async () => {
    t = await createTestApp();
    b = await variantBuilders(t);
    size = await b.attribute(['S', 'L']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('needs the variantId, adds that variant, and keeps the item when it is missing', async () => {
    const customer = await t.createUser();
    const product = await b.product({ categoryId: (await b.category()).id });
    const large = await b.variant(product.id, {
      attributeValueIds: [b.valueId(size, 'L')],
      stock: 5,
    });
    const as = { Authorization: customer.auth };
    await t.http
      .post('/api/wishlists/default/items')
      .set(as)
      .send({ productId: product.id })
      .expect(200); // the list, with the item
    const move = `/api/wishlists/default/items/${product.id}/move-to-cart`;

    expectError(await t.http.post(move).set(as).send({}), 400, 'VARIANT_REQUIRED');
    const list = await t.http.get('/api/wishlists/default').set(as).expect(200);
    expect((list.body as { itemCount: number }).itemCount).toBe(1);

    expectError(
      await t.http.post(move).set(as).send({ variantId: 'nope' }),
      400,
      'VALIDATION_FAILED',
    );
    const moved = await t.http
      .post(move)
      .set(as)
      .send({ variantId: large.id, quantity: 2 })
      .expect(200);
    const lines = (moved.body as { cart: { items: Line[] } }).cart.items;
    expect(lines.map((l) => [l.product.id, l.variant?.id, l.quantity])).toEqual([
      [product.id, large.id, 2],
    ]);
  });
});
