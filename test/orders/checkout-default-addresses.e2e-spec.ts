import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ADDRESS, type OrderBuilders, type OrderView, orderBuilders } from './order-builders.js';
import { expectError } from './order-expect.js';

const BILLING = { ...ADDRESS, fullName: 'Charles Babbage', line1: '1 Difference Engine Lane' };
const { line2: _line2, region: _region, phone: _phone, ...REQUIRED_FIELDS } = ADDRESS;

/** Checkout without addresses in the body takes them from the address book (docs/api/profiles.md). */
describe('checkout with the address book defaults', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const addresses = (order: OrderView) => ({
    shipping: order.shippingAddress.fullName,
    billing: order.billingAddress.fullName,
  });

  it('refuses a checkout with no address and no default: 400 naming shippingAddress', async () => {
    const customer = await b.customer();
    const product = await b.product();
    await b.addToCart(customer, product.id, 1);
    const res = await b.checkout(customer, {});
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(JSON.stringify(res.body)).toContain('shippingAddress');
    expect(await b.stockOf(product.id)).toBe(10);
    expect((await b.getCart(customer)).items).toHaveLength(1);
  });

  it('uses the default shipping and billing addresses, and the body wins over them', async () => {
    const customer = await b.customer();
    await t.http
      .post('/api/me/addresses')
      .set('Authorization', customer.auth)
      .send({ ...ADDRESS, label: 'Home' })
      .expect(201);
    await t.http
      .post('/api/me/addresses')
      .set('Authorization', customer.auth)
      .send({ ...BILLING, label: 'Office', isDefaultBilling: true })
      .expect(201);
    const product = await b.product();

    await b.addToCart(customer, product.id, 1);
    const fromBook = await b.checkout(customer, {});
    expect(fromBook.status).toBe(201);
    expect(addresses(fromBook.body as OrderView)).toEqual({
      shipping: 'Ada Lovelace',
      billing: 'Charles Babbage',
    });

    await b.addToCart(customer, product.id, 1);
    const explicit = await b.checkout(customer, {
      shippingAddress: { ...REQUIRED_FIELDS, fullName: 'Grace Hopper' },
    });
    expect(explicit.status).toBe(201);
    expect(addresses(explicit.body as OrderView)).toEqual({
      shipping: 'Grace Hopper',
      billing: 'Charles Babbage',
    });
  });

  it('still rejects a null shipping address', async () => {
    const customer = await b.customer();
    const product = await b.product();
    await b.addToCart(customer, product.id, 1);
    expectError(await b.checkout(customer, { shippingAddress: null }), 400, 'VALIDATION_FAILED');
  });
});
