import { describe, expect, it } from '@jest/globals';
import { FlatRateShipping, PercentageTax, priceOrder, subtotalOf } from './pricing.js';

const line = (unitPrice: number, quantity: number, requiresShipping = true) => ({
  unitPrice,
  quantity,
  requiresShipping,
});

describe('priceOrder', () => {
  it('adds lines, flat shipping and tax in integer minor units', () => {
    const totals = priceOrder(
      [line(1999, 2), line(500, 1)],
      new FlatRateShipping(495, 0),
      new PercentageTax(825),
    );
    expect(totals).toEqual({
      subtotal: 4498,
      shippingAmount: 495,
      taxAmount: 371,
      discountAmount: 0,
      total: 5364,
    });
  });

  it('ships free from the threshold and for digital-only orders', () => {
    const shipping = new FlatRateShipping(495, 5000);
    expect(priceOrder([line(5000, 1)], shipping, new PercentageTax(0)).shippingAmount).toBe(0);
    expect(priceOrder([line(4999, 1)], shipping, new PercentageTax(0)).shippingAmount).toBe(495);
    expect(priceOrder([line(100, 1, false)], shipping, new PercentageTax(0)).shippingAmount).toBe(
      0,
    );
  });

  it('never discounts below zero and taxes the discounted subtotal', () => {
    const totals = priceOrder(
      [line(1000, 1)],
      new FlatRateShipping(0, 0),
      new PercentageTax(1000),
      5000,
    );
    expect(totals).toEqual({
      subtotal: 1000,
      shippingAmount: 0,
      taxAmount: 0,
      discountAmount: 1000,
      total: 0,
    });
  });

  it('rounds tax half up', () => {
    expect(
      new PercentageTax(1000).quote({
        subtotal: 5,
        discount: 0,
        requiresShipping: true,
        shipping: 0,
      }),
    ).toBe(1);
    expect(
      new PercentageTax(1000).quote({
        subtotal: 4,
        discount: 0,
        requiresShipping: true,
        shipping: 0,
      }),
    ).toBe(0);
  });
});

describe('coupon discounts in priceOrder', () => {
  it('measures the free-shipping threshold after the discount', () => {
    const shipping = new FlatRateShipping(495, 5000);
    const totals = priceOrder([line(5000, 1)], shipping, new PercentageTax(0), 1);
    expect(totals).toMatchObject({ discountAmount: 1, shippingAmount: 495, total: 5494 });
  });

  it('ignores a negative discount', () => {
    const totals = priceOrder([line(700, 2)], new FlatRateShipping(0, 0), new PercentageTax(0), -5);
    expect(totals).toMatchObject({ subtotal: 1400, discountAmount: 0, total: 1400 });
  });

  it('sums lines with subtotalOf as priceOrder does', () => {
    expect(subtotalOf([line(1999, 2), line(500, 1)])).toBe(4498);
    expect(subtotalOf([])).toBe(0);
  });
});
