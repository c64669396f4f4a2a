import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ADDRESS, orderBuilders, type OrderBuilders, type OrderView } from './order-builders.js';
import { expectError, expectFieldError, expectStatus, ISO_DATE, UUID } from './order-expect.js';

describe('checkout', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const ordersOf = async (userId: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
      [userId],
    );
    return row?.n ?? 0;
  };

  it('turns the cart into a 201 order with a snapshot of the lines and the totals', async () => {
    const user = await b.customer();
    const mug = await b.product({ price: 1250, stock: 5 });
    const tea = await b.product({ price: 399, stock: 8 });
    await b.addToCart(user, mug.id, 2);
    await b.addToCart(user, tea.id, 3);

    const res = await b.checkout(user, { shippingAddress: ADDRESS, notes: 'Ring twice' });
    expectStatus(res, 201);
    expect(res.headers['idempotent-replayed']).toBeUndefined();
    const order = res.body as OrderView;
    expect(order).toEqual({
      id: expect.stringMatching(UUID),
      number: expect.stringMatching(/^\d+$/),
      userId: user.id,
      guestEmail: null,
      status: 'pending',
      paymentStatus: 'pending',
      // The default manual provider: staff record the payment by confirming the order.
      payment: {
        provider: 'manual',
        status: 'pending',
        amount: 3697,
        amountRefunded: 0,
        refunds: [],
      },
      items: [
        {
          productId: mug.id,
          variantId: null,
          sku: mug.sku,
          name: mug.name,
          variantName: null,
          unitPrice: 1250,
          quantity: 2,
          lineTotal: 2500,
        },
        {
          productId: tea.id,
          variantId: null,
          sku: tea.sku,
          name: tea.name,
          variantName: null,
          unitPrice: 399,
          quantity: 3,
          lineTotal: 1197,
        },
      ],
      subtotal: 3697,
      // Defaults: no shipping fee, no tax.
      shippingAmount: 0,
      taxAmount: 0,
      discountAmount: 0,
      couponCode: null,
      total: 3697,
      currency: 'USD',
      shippingAddress: ADDRESS,
      billingAddress: ADDRESS,
      notes: 'Ring twice',
      trackingNumber: null,
      history: [
        { from: null, to: 'pending', at: expect.stringMatching(ISO_DATE), by: user.id, note: null },
      ],
      createdAt: expect.stringMatching(ISO_DATE),
      updatedAt: expect.stringMatching(ISO_DATE),
    });
    expect(await b.getOrder(order.id, user)).toEqual(order);
  });

  it('empties the cart and takes the stock', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 7 });
    await b.addToCart(user, product.id, 3);
    expectStatus(await b.checkout(user), 201);
    expect(await b.getCart(user)).toMatchObject({ items: [], itemCount: 0, subtotal: 0 });
    expect(await b.stockOf(product.id)).toBe(4);
  });

  it('gives orders digit-string numbers that increase', async () => {
    const user = await b.customer();
    const first = (await b.placeOrder({ customer: user })).order;
    const second = (await b.placeOrder({ customer: user })).order;
    expect(first.number).toMatch(/^\d+$/);
    expect(second.number).toMatch(/^\d+$/);
    expect(BigInt(second.number)).toBeGreaterThan(BigInt(first.number));
  });

  it('answers 400 EMPTY_CART to an empty cart, also one that never existed', async () => {
    const fresh = await b.customer();
    expectError(await b.checkout(fresh), 400, 'EMPTY_CART');
    const emptied = await b.customer();
    await b.addToCart(emptied, (await b.product()).id, 1);
    expect((await t.http.delete('/api/cart').set('Authorization', emptied.auth)).status).toBe(204);
    expectError(await b.checkout(emptied), 400, 'EMPTY_CART');
    expect(await ordersOf(fresh.id)).toBe(0);
    expect(await ordersOf(emptied.id)).toBe(0);
  });

  it('answers 409 naming every short line, and changes nothing', async () => {
    const user = await b.customer();
    const plenty = await b.product({ stock: 10 });
    const few = await b.product({ stock: 5 });
    const none = await b.product({ stock: 5 });
    await b.addToCart(user, plenty.id, 2);
    await b.addToCart(user, few.id, 4);
    await b.addToCart(user, none.id, 1);
    await b.updateProduct(few.id, { stock: 1 });
    await b.updateProduct(none.id, { stock: 0 });

    const body = expectError(await b.checkout(user), 409, 'INSUFFICIENT_STOCK');
    expect(body.details).toEqual([
      { productId: few.id, requested: 4, available: 1 },
      { productId: none.id, requested: 1, available: 0 },
    ]);
    expect(await b.stockOf(plenty.id)).toBe(10);
    expect(await b.stockOf(few.id)).toBe(1);
    expect((await b.getCart(user)).items).toHaveLength(3);
    expect(await ordersOf(user.id)).toBe(0);
  });

  it.each([
    [
      'a country that is not ISO 3166 (XX)',
      { ...ADDRESS, country: 'XX' },
      'shippingAddress.country',
    ],
    [
      'a lower-case three-letter country',
      { ...ADDRESS, country: 'gbr' },
      'shippingAddress.country',
    ],
    ['no line1', { ...ADDRESS, line1: undefined }, 'shippingAddress.line1'],
    ['a blank city', { ...ADDRESS, city: '' }, 'shippingAddress.city'],
    ['an unknown field', { ...ADDRESS, floor: 3 }, 'shippingAddress.floor'],
  ])(
    'rejects a shipping address with %s with 400 and keeps the cart',
    async (_l, address, field) => {
      const user = await b.customer();
      const product = await b.product({ stock: 3 });
      await b.addToCart(user, product.id, 1);
      expectFieldError(await b.checkout(user, { shippingAddress: address }), field);
      expect((await b.getCart(user)).items).toHaveLength(1);
      expect(await b.stockOf(product.id)).toBe(3);
    },
  );

  it('rejects a missing shipping address, a bad billing address and unknown fields with 400', async () => {
    const user = await b.customer();
    await b.addToCart(user, (await b.product()).id, 1);
    expectFieldError(await b.checkout(user, {}), 'shippingAddress');
    expectFieldError(await b.checkout(user, { shippingAddress: [] }), 'shippingAddress');
    expectFieldError(await b.checkout(user, { shippingAddress: 'London' }), 'shippingAddress');
    expectFieldError(
      await b.checkout(user, { shippingAddress: ADDRESS, billingAddress: [ADDRESS] }),
      'billingAddress',
    );
    expectFieldError(
      await b.checkout(user, {
        shippingAddress: ADDRESS,
        billingAddress: { ...ADDRESS, country: 'XX' },
      }),
      'billingAddress.country',
    );
    expectFieldError(
      await b.checkout(user, { shippingAddress: ADDRESS, coupon: 'FREE' }),
      'coupon',
    );
    expectFieldError(
      await b.checkout(user, { shippingAddress: ADDRESS, notes: 'x'.repeat(1001) }),
      'notes',
    );
    expect(await ordersOf(user.id)).toBe(0);
  });

  it('rejects an Idempotency-Key that is too long with 400', async () => {
    const user = await b.customer();
    await b.addToCart(user, (await b.product()).id, 1);
    expectError(
      await b.checkout(user, { shippingAddress: ADDRESS }, 'k'.repeat(256)),
      400,
      'VALIDATION_FAILED',
    );
    expect(await ordersOf(user.id)).toBe(0);
  });

  it('defaults the billing address to the shipping address, and keeps one that is given', async () => {
    const { line2: _l2, region: _r, phone: _p, ...minimal } = ADDRESS;
    const user = await b.customer();
    await b.addToCart(user, (await b.product()).id, 1);
    const defaulted = (await b.checkout(user, { shippingAddress: minimal })).body as OrderView;
    expect(defaulted.shippingAddress).toEqual(minimal);
    expect(defaulted.billingAddress).toEqual(minimal);

    const billing = { ...minimal, fullName: 'Accounts Payable', country: 'FR', city: 'Paris' };
    await b.addToCart(user, (await b.product()).id, 1);
    const res = await b.checkout(user, { shippingAddress: ADDRESS, billingAddress: billing });
    expectStatus(res, 201);
    expect(res.body).toMatchObject({ shippingAddress: ADDRESS, billingAddress: billing });
  });

  it('keeps the price, name and SKU of checkout time after the product changes', async () => {
    const { customer, product, order } = await b.placeOrder({
      quantity: 2,
      product: { price: 1000 },
    });
    await b.updateProduct(product.id, {
      price: 2500,
      name: `Renamed ${product.name}`,
      sku: `${product.sku}X`,
    });
    const again = await b.getOrder(order.id, customer);
    expect(again.items).toEqual([
      {
        productId: product.id,
        variantId: null,
        sku: product.sku,
        name: product.name,
        variantName: null,
        unitPrice: 1000,
        quantity: 2,
        lineTotal: 2000,
      },
    ]);
    expect(again).toMatchObject({ subtotal: 2000, total: 2000 });
  });

  it('keeps the order intact after the product is deleted, and it can still be cancelled', async () => {
    const { customer, product, order } = await b.placeOrder();
    const res = await t.http
      .delete(`/api/products/${product.id}`)
      .set('Authorization', b.staff.auth);
    expect(res.status).toBe(204);
    expect(await b.getOrder(order.id, customer)).toEqual(order);

    const cancelled = await b.cancel(order.id, customer);
    expectStatus(cancelled, 200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', items: order.items });
  });

  it('answers 401 without a token', async () => {
    expectError(
      await t.http.post('/api/orders').send({ shippingAddress: ADDRESS }),
      401,
      'UNAUTHORIZED',
    );
  });
});

describe('checkout pricing with shipping and tax configured', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp({
      SHIPPING_FLAT_FEE: '500',
      FREE_SHIPPING_THRESHOLD: '10000',
      TAX_RATE_PERCENT: '10',
    });
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    // subtotal 2468: flat shipping; tax 246.8 rounds to 247
    [1234, 2, { subtotal: 2468, shippingAmount: 500, taxAmount: 247, total: 3215 }],
    // subtotal 1005: tax 100.5 rounds half up to 101
    [1005, 1, { subtotal: 1005, shippingAmount: 500, taxAmount: 101, total: 1606 }],
    // subtotal at the threshold ships free
    [5000, 2, { subtotal: 10000, shippingAmount: 0, taxAmount: 1000, total: 11000 }],
    // just under the threshold pays shipping
    [9999, 1, { subtotal: 9999, shippingAmount: 500, taxAmount: 1000, total: 11499 }],
  ])('prices %i × %i as %o', async (price, quantity, totals) => {
    const { order } = await b.placeOrder({ quantity, product: { price } });
    expect(order).toMatchObject({ ...totals, discountAmount: 0, currency: 'USD' });
    expect(order.total).toBe(
      order.subtotal + order.shippingAmount + order.taxAmount - order.discountAmount,
    );
    expect(order.items[0]).toMatchObject({
      unitPrice: price,
      quantity,
      lineTotal: price * quantity,
    });
  });
});
