import { describe, expect, it } from '@jest/globals';
import type { OrderItem } from '../order-item.entity.js';
import type { Order } from '../order.entity.js';
import { changedBy, toOrderPayloadV1 } from './order-webhook-payload.js';

const address = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'SW1A 1AA',
  country: 'GB',
};

const order = {
  id: 'o-1',
  number: '1042',
  userId: 'u-1',
  status: 'pending',
  paymentStatus: 'pending',
  subtotal: 4200,
  shippingAmount: 500,
  taxAmount: 0,
  discountAmount: 420,
  couponCode: 'SPRING-10',
  total: 4280,
  currency: 'USD',
  shippingAddress: address,
  billingAddress: address,
  notes: 'leave at the door',
  trackingNumber: null,
  version: 3,
  createdAt: new Date('2026-12-07T06:34:25.120Z'),
  updatedAt: new Date('2026-12-07T06:40:00.000Z'),
} as Order;

const line = (position: number, sku: string): OrderItem => ({
  id: `i-${position}`,
  orderId: 'o-1',
  productId: `p-${position}`,
  sku,
  name: `Product ${position}`,
  variantId: null,
  variantName: null,
  unitPrice: 2100,
  quantity: 1,
  lineTotal: 2100,
  position,
});

describe('order payload, version 1', () => {
  it('has exactly the published fields (a change here is a contract change: see the docs)', () => {
    const payload = toOrderPayloadV1(order, [line(1, 'B'), line(0, 'A')]);
    expect(Object.keys(payload).sort()).toEqual(
      [
        'id',
        'number',
        'status',
        'paymentStatus',
        'currency',
        'subtotal',
        'discountAmount',
        'shippingAmount',
        'taxAmount',
        'total',
        'couponCode',
        'shippingAddress',
        'billingAddress',
        'trackingNumber',
        'items',
        'createdAt',
        'updatedAt',
      ].sort(),
    );
    expect(Object.keys(payload.items[0]).sort()).toEqual(
      [
        'productId',
        'variantId',
        'sku',
        'name',
        'variantName',
        'unitPrice',
        'quantity',
        'lineTotal',
      ].sort(),
    );
    // Lines in checkout order; internal fields (notes, version, row ids) stay out.
    expect(payload.items.map((i) => i.sku)).toEqual(['A', 'B']);
    expect(payload).toMatchObject({
      total: 4280,
      couponCode: 'SPRING-10',
      createdAt: '2026-12-07T06:34:25.120Z',
    });
    expect(JSON.stringify(payload)).not.toContain('leave at the door');
  });

  it('names who changed a status: the system, the customer themself, or staff', () => {
    expect(changedBy(null, 'u-1')).toBe('system');
    expect(changedBy('u-1', 'u-1')).toBe('customer');
    expect(changedBy('staff-1', 'u-1')).toBe('staff');
  });
});
