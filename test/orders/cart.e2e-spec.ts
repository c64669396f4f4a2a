import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { type CartView, orderBuilders, type OrderBuilders } from './order-builders.js';
import { expectError, expectFieldError, expectStatus, UUID } from './order-expect.js';

describe('cart', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const add = (user: TestUser, body: object) =>
    t.http.post('/api/cart/items').set('Authorization', user.auth).send(body);
  const update = (user: TestUser, itemId: string, body: object) =>
    t.http.patch(`/api/cart/items/${itemId}`).set('Authorization', user.auth).send(body);
  const remove = (user: TestUser, itemId: string) =>
    t.http.delete(`/api/cart/items/${itemId}`).set('Authorization', user.auth);

  it('shows an empty cart to a new user', async () => {
    const user = await b.customer();
    expect(await b.getCart(user)).toEqual({
      id: expect.stringMatching(UUID),
      items: [],
      itemCount: 0,
      subtotal: 0,
      currency: 'USD',
    });
  });

  it('answers addCartItem with 200 and the whole cart', async () => {
    const user = await b.customer();
    const first = await b.product({ price: 1250, stock: 5 });
    const second = await b.product({ price: 300, stock: 5 });
    await b.addToCart(user, first.id, 2);
    const res = await add(user, { productId: second.id, quantity: 3 });
    expectStatus(res, 200);
    const cart = res.body as CartView;
    expect(cart).toEqual({
      id: expect.stringMatching(UUID),
      items: [
        {
          id: expect.stringMatching(UUID),
          product: expect.objectContaining({ id: first.id, price: 1250, stock: 5 }),
          variant: null,
          quantity: 2,
          lineTotal: 2500,
          issue: null,
        },
        {
          id: expect.stringMatching(UUID),
          product: expect.objectContaining({ id: second.id, price: 300, stock: 5 }),
          variant: null,
          quantity: 3,
          lineTotal: 900,
          issue: null,
        },
      ],
      itemCount: 5,
      subtotal: 3400,
      currency: 'USD',
    });
    expect(await b.getCart(user)).toEqual(cart);
  });

  it('sums a product added again into its one line', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    const first = await b.addToCart(user, product.id, 2);
    const cart = await b.addToCart(user, product.id, 3);
    expect(cart.items).toHaveLength(1);
    expect(cart.items[0]).toMatchObject({ id: first.items[0]?.id, quantity: 5, lineTotal: 5000 });
    expect(cart.itemCount).toBe(5);
  });

  it.each([
    ['0', 0],
    ['1000', 1000],
    ['a fraction', 1.5],
    ['a numeric string', '2'],
    ['negative', -1],
  ])('rejects a quantity of %s with 400', async (_label, quantity) => {
    const user = await b.customer();
    const product = await b.product();
    expectFieldError(await add(user, { productId: product.id, quantity }), 'quantity');
    expect((await b.getCart(user)).items).toEqual([]);
  });

  it('rejects a productId that is not a uuid, or missing, with 400', async () => {
    const user = await b.customer();
    expectFieldError(await add(user, { productId: 'nope', quantity: 1 }), 'productId');
    expectFieldError(await add(user, { quantity: 1 }), 'productId');
  });

  it('answers 404 to an unknown product', async () => {
    const user = await b.customer();
    expectError(await add(user, { productId: randomUUID(), quantity: 1 }), 404, 'NOT_FOUND');
  });

  it('answers 409 with the available stock when the line would exceed it', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 4 });
    const body = expectError(
      await add(user, { productId: product.id, quantity: 5 }),
      409,
      'INSUFFICIENT_STOCK',
    );
    expect(body.details).toEqual([{ productId: product.id, requested: 5, available: 4 }]);
    expect((await b.getCart(user)).items).toEqual([]);
  });

  it('counts what the line already holds against the stock and leaves it unchanged on 409', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 5 });
    await b.addToCart(user, product.id, 3);
    const body = expectError(
      await add(user, { productId: product.id, quantity: 3 }),
      409,
      'INSUFFICIENT_STOCK',
    );
    expect(body.details).toEqual([{ productId: product.id, requested: 6, available: 5 }]);
    expect((await b.getCart(user)).items[0]?.quantity).toBe(3);
  });

  it('rejects a line summing to more than 999 with 400, even with the stock for it', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 5000 });
    await b.addToCart(user, product.id, 600);
    const body = expectError(
      await add(user, { productId: product.id, quantity: 400 }),
      400,
      'QUANTITY_LIMIT',
    );
    expect(body.details).toEqual([{ field: 'quantity', message: expect.any(String) }]);
    await b.addToCart(user, product.id, 399);
    expectError(await add(user, { productId: product.id, quantity: 1 }), 400, 'QUANTITY_LIMIT');
    expect((await b.getCart(user)).items[0]?.quantity).toBe(999);
  });

  it('refuses to add an inactive product with 409 PRODUCT_UNAVAILABLE', async () => {
    const user = await b.customer();
    const product = await b.product({ isActive: false });
    const body = expectError(
      await add(user, { productId: product.id, quantity: 1 }),
      409,
      'PRODUCT_UNAVAILABLE',
    );
    expect(body.details).toEqual([{ productId: product.id }]);
  });

  it('sets the quantity with updateCartItem: 200 and the whole cart', async () => {
    const user = await b.customer();
    const product = await b.product({ price: 700, stock: 10 });
    const line = (await b.addToCart(user, product.id, 2)).items[0];
    const res = await update(user, line?.id ?? '', { quantity: 7 });
    expectStatus(res, 200);
    expect(res.body).toMatchObject({
      items: [{ id: line?.id, quantity: 7, lineTotal: 4900 }],
      itemCount: 7,
      subtotal: 4900,
    });
    expect(await b.getCart(user)).toEqual(res.body);
  });

  it('answers 409 with the available stock when updateCartItem exceeds it', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 6 });
    const line = (await b.addToCart(user, product.id, 2)).items[0];
    const body = expectError(
      await update(user, line?.id ?? '', { quantity: 7 }),
      409,
      'INSUFFICIENT_STOCK',
    );
    expect(body.details).toEqual([{ productId: product.id, requested: 7, available: 6 }]);
    expect((await b.getCart(user)).items[0]?.quantity).toBe(2);
  });

  it('rejects updateCartItem quantities outside 1–999 with 400', async () => {
    const user = await b.customer();
    const product = await b.product();
    const line = (await b.addToCart(user, product.id, 1)).items[0];
    for (const quantity of [0, 1000, 2.5]) {
      expectFieldError(await update(user, line?.id ?? '', { quantity }), 'quantity');
    }
  });

  it('removes a line with 204', async () => {
    const user = await b.customer();
    const kept = await b.product();
    const gone = await b.product();
    await b.addToCart(user, kept.id, 1);
    const line = (await b.addToCart(user, gone.id, 2)).items.find((i) => i.product.id === gone.id);
    const res = await remove(user, line?.id ?? '');
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const cart = await b.getCart(user);
    expect(cart.items.map((i) => i.product.id)).toEqual([kept.id]);
    expect(cart.itemCount).toBe(1);
    expectError(await remove(user, line?.id ?? ''), 404, 'NOT_FOUND');
  });

  it('empties the cart with clearCart: 204, also when it is already empty', async () => {
    const user = await b.customer();
    await b.addToCart(user, (await b.product()).id, 2);
    await b.addToCart(user, (await b.product()).id, 1);
    const res = await t.http.delete('/api/cart').set('Authorization', user.auth);
    expect(res.status).toBe(204);
    expect(await b.getCart(user)).toMatchObject({ items: [], itemCount: 0, subtotal: 0 });
    expect((await t.http.delete('/api/cart').set('Authorization', user.auth)).status).toBe(204);
  });

  it("answers 404 to updating or removing another user's cart line, and leaves it alone", async () => {
    const owner = await b.customer();
    const other = await b.customer();
    const product = await b.product();
    const line = (await b.addToCart(owner, product.id, 2)).items[0];
    expectError(await update(other, line?.id ?? '', { quantity: 1 }), 404, 'NOT_FOUND');
    expectError(await remove(other, line?.id ?? ''), 404, 'NOT_FOUND');
    expect((await b.getCart(owner)).items).toEqual([
      expect.objectContaining({ id: line?.id, quantity: 2 }),
    ]);
  });

  it('answers 400 to a cart line id that is not a uuid', async () => {
    const user = await b.customer();
    expectError(await update(user, 'nope', { quantity: 1 }), 400, 'BAD_REQUEST');
    expectError(await remove(user, 'nope'), 400, 'BAD_REQUEST');
  });

  it('flags a line whose product became inactive, and checkout refuses it with 409', async () => {
    const user = await b.customer();
    const ok = await b.product();
    const retired = await b.product();
    await b.addToCart(user, ok.id, 1);
    await b.addToCart(user, retired.id, 1);
    await b.updateProduct(retired.id, { isActive: false });

    const cart = await b.getCart(user);
    expect(cart.items.map((i) => [i.product.id, i.issue])).toEqual([
      [ok.id, null],
      [retired.id, 'unavailable'],
    ]);
    const body = expectError(await b.checkout(user), 409, 'PRODUCT_UNAVAILABLE');
    expect(body.details).toEqual([{ productId: retired.id }]);
    expect(await b.stockOf(ok.id)).toBe(10);
    expect((await b.getCart(user)).items).toHaveLength(2);
  });

  it('keeps a line whose product was deleted, flagged, until the customer removes it', async () => {
    const user = await b.customer();
    const ok = await b.product({ price: 700 });
    const doomed = await b.product({ price: 900 });
    await b.addToCart(user, ok.id, 1);
    await b.addToCart(user, doomed.id, 2);
    await t.http
      .delete(`/api/products/${doomed.id}`)
      .set('Authorization', b.staff.auth)
      .expect(204);

    const cart = await b.getCart(user);
    const line = cart.items[1];
    expect(cart).toMatchObject({ itemCount: 3, subtotal: 700 });
    expect(cart.items[0]).toMatchObject({ product: { id: ok.id }, issue: null });
    expect(line).toEqual({
      id: expect.stringMatching(UUID),
      product: null,
      variant: null,
      quantity: 2,
      lineTotal: 0,
      issue: 'deleted',
      deletedProductName: doomed.name,
    });
    // Nothing leaves the cart behind the customer's back: checkout and edits refuse the line.
    const refused = expectError(await b.checkout(user), 409, 'PRODUCT_UNAVAILABLE');
    expect(refused.details).toEqual([{ cartItemId: line?.id }]);
    expectError(await update(user, line.id, { quantity: 1 }), 409, 'PRODUCT_UNAVAILABLE');
    expect(await b.stockOf(ok.id)).toBe(10);
    // Adding the deleted product again is a 404, and the flagged line stays as it was.
    expectError(await add(user, { productId: doomed.id, quantity: 1 }), 404, 'NOT_FOUND');

    expectStatus(await remove(user, line.id), 204);
    expectStatus(await b.checkout(user), 201);
    expect(await b.stockOf(ok.id)).toBe(9);
  });

  it('flags a line holding more than the stock left', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 5 });
    await b.addToCart(user, product.id, 4);
    await b.updateProduct(product.id, { stock: 2 });
    expect((await b.getCart(user)).items[0]).toMatchObject({
      quantity: 4,
      issue: 'insufficient_stock',
    });
  });

  it('shows current prices after a price change', async () => {
    const user = await b.customer();
    const product = await b.product({ price: 1000 });
    await b.addToCart(user, product.id, 2);
    await b.updateProduct(product.id, { price: 1500 });
    expect(await b.getCart(user)).toMatchObject({
      items: [{ product: { id: product.id, price: 1500 }, quantity: 2, lineTotal: 3000 }],
      subtotal: 3000,
    });
  });

  it('answers 401 to every cart operation with a bad bearer token (never a quiet guest cart)', async () => {
    const id = randomUUID();
    const bad = 'Bearer not-a-token';
    expectError(await t.http.get('/api/cart').set('Authorization', bad), 401, 'UNAUTHORIZED');
    expectError(
      await t.http
        .post('/api/cart/items')
        .set('Authorization', bad)
        .send({ productId: id, quantity: 1 }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await t.http.patch(`/api/cart/items/${id}`).set('Authorization', bad).send({ quantity: 1 }),
      401,
      'UNAUTHORIZED',
    );
    expectError(
      await t.http.delete(`/api/cart/items/${id}`).set('Authorization', bad),
      401,
      'UNAUTHORIZED',
    );
    expectError(await t.http.delete('/api/cart').set('Authorization', bad), 401, 'UNAUTHORIZED');
  });

  it('gives an anonymous caller without a cart token an empty guest cart', async () => {
    const res = await t.http.get('/api/cart').expect(200);
    expect(res.body).toMatchObject({ id: null, items: [], subtotal: 0 });
  });
});
