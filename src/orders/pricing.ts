/** What a shipping or tax strategy sees of an order being priced (minor units). */
export interface PricingInput {
  subtotal: number;
  discount: number;
  /** Whether any line needs shipping (digital-only orders ship for free). */
  requiresShipping: boolean;
}

export interface ShippingStrategy {
  quote(input: PricingInput): number;
}

export interface TaxStrategy {
  quote(input: PricingInput & { shipping: number }): number;
}

/** A flat fee, waived from a subtotal threshold (0 = no threshold) and for digital-only orders. */
export class FlatRateShipping implements ShippingStrategy {
  constructor(
    private readonly fee: number,
    private readonly freeFrom: number,
  ) {}

  quote({ subtotal, discount, requiresShipping }: PricingInput): number {
    if (!requiresShipping || this.fee === 0) return 0;
    if (this.freeFrom > 0 && subtotal - discount >= this.freeFrom) return 0;
    return this.fee;
  }
}

/** A percentage of the discounted subtotal, rounded half up to the minor unit. */
export class PercentageTax implements TaxStrategy {
  constructor(private readonly basisPoints: number) {}

  quote({ subtotal, discount }: PricingInput & { shipping: number }): number {
    const taxable = Math.max(subtotal - discount, 0);
    // Integer arithmetic: basis points of a percent are 1/10,000.
    return Math.floor((taxable * this.basisPoints + 5_000) / 10_000);
  }
}

/** Orders keep money in PostgreSQL `integer` columns: no line or total may exceed this. */
export const MAX_ORDER_AMOUNT = 2_147_483_647;

export interface Totals {
  subtotal: number;
  shippingAmount: number;
  taxAmount: number;
  discountAmount: number;
  total: number;
}

/** Σ unit price × quantity, minor units. */
export function subtotalOf(lines: ReadonlyArray<{ unitPrice: number; quantity: number }>): number {
  return lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
}

/** Totals of an order; `discount` (a coupon's) is clamped to 0…subtotal. */
export function priceOrder(
  lines: ReadonlyArray<{ unitPrice: number; quantity: number; requiresShipping: boolean }>,
  shipping: ShippingStrategy,
  tax: TaxStrategy,
  discount = 0,
): Totals {
  const subtotal = subtotalOf(lines);
  const discountAmount = Math.min(Math.max(discount, 0), subtotal);
  const input = {
    subtotal,
    discount: discountAmount,
    requiresShipping: lines.some((l) => l.requiresShipping),
  };
  const shippingAmount = shipping.quote(input);
  const taxAmount = tax.quote({ ...input, shipping: shippingAmount });
  return {
    subtotal,
    shippingAmount,
    taxAmount,
    discountAmount,
    total: subtotal - discountAmount + shippingAmount + taxAmount,
  };
}

export const SHIPPING_STRATEGY = Symbol('SHIPPING_STRATEGY');
export const TAX_STRATEGY = Symbol('TAX_STRATEGY');
