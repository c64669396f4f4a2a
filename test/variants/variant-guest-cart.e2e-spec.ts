import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { guestCart } from '../guest-cart/guest-cart-helpers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  type AttributeView,
  type VariantBuilders,
  type VariantView,
  variantBuilders,
} from './variant-builders.js';

interface Line {
  product: { id: string };
  variant: VariantView | null;
  quantity: number;
}

describe('variants in guest carts', () => {
  let t: TestApp;
  let b: VariantBuilders;
  let color: AttributeView;
  beforeAll(async () => {
    t = await createTestApp();
    b = await variantBuilders(t);
    color = await b.attribute(['Red', 'Blue']);
  });
  afterAll(async () => {
    await t.close();
  });

  it('merges variant lines on login: per variant, capped by the variant stock', async () => {
    const g = guestCart(t);
    const categoryId = (await b.category()).id;
    const product = await b.product({ categoryId });
    const red = await b.variant(product.id, {
      attributeValueIds: [b.valueId(color, 'Red')],
      stock: 2,
    });
    const blue = await b.variant(product.id, {
      attributeValueIds: [b.valueId(color, 'Blue')],
      stock: 9,
    });
    const plain = await b.product({ categoryId, stock: 9 });

    // The guest needs a variant too.
    const refused = await g.add({ productId: product.id, quantity: 1 });
    expect(refused.status).toBe(400);
    const first = await g.add({ productId: product.id, variantId: red.id, quantity: 2 });
    expect(first.status).toBe(200);
    const token = (first.body as { cartToken: string }).cartToken;
    expect(
      (await g.add({ productId: product.id, variantId: blue.id, quantity: 3 }, token)).status,
    ).toBe(200);
    expect((await g.add({ productId: plain.id, quantity: 1 }, token)).status).toBe(200);

    const user = b.customer;
    await t.http
      .post('/api/cart/items')
      .set('Authorization', user.auth)
      .send({ productId: product.id, variantId: red.id, quantity: 1 })
      .expect(200);
    await t.http
      .post('/api/auth/login')
      .set('X-Cart-Token', token)
      .send({ email: user.email, password: user.password })
      .expect(200);
    const cart = await t.http.get('/api/cart').set('Authorization', user.auth).expect(200);
    const lines = (cart.body as { items: Line[] }).items.map((l) => [
      l.product.id,
      l.variant?.id ?? null,
      l.quantity,
    ]);
    expect(lines).toEqual(
      expect.arrayContaining([
        [product.id, red.id, 2], // 1 + 2, capped by the red stock
        [product.id, blue.id, 3],
        [plain.id, null, 1],
      ]),
    );
    expect(lines).toHaveLength(3);
  });
});
