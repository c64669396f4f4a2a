import type { Address } from '@/common/address.js';
import type { OrderItem } from '../order-item.entity.js';
import type { OrderStatus, PaymentStatus } from '../order-state-machine.js';
import type { Order } from '../order.entity.js';

/**
 * The published, versioned contract of order events (outbox payloads: webhooks and email).
 * Version 1. Adding a field is not a breaking change (receivers ignore unknown fields); removing
 * or changing one is, and means version 2 beside this one. Money is integer minor units.
 */
export interface OrderPayloadV1 {
  id: string;
  number: string;
  status: OrderStatus;
  paymentStatus: PaymentStatus;
  currency: string;
  subtotal: number;
  discountAmount: number;
  shippingAmount: number;
  taxAmount: number;
  total: number;
  couponCode: string | null;
  shippingAddress: Address;
  billingAddress: Address;
  trackingNumber: string | null;
  items: OrderLinePayloadV1[];
  createdAt: string;
  updatedAt: string;
}

export interface OrderLinePayloadV1 {
  productId: string;
  variantId: string | null;
  sku: string;
  name: string;
  variantName: string | null;
  unitPrice: number;
  quantity: number;
  lineTotal: number;
}

/** The buyer: an account (`id`), or a guest (`id: null`, `email` the address given at checkout). */
export interface CustomerPayloadV1 {
  id: string | null;
  email: string;
}

/** `data` of `order.created`. */
export interface OrderCreatedDataV1 {
  order: OrderPayloadV1;
  customer: CustomerPayloadV1;
}

/** Who made a status change: the customer (cancelling their order), staff, or the system. */
export type ChangedBy = 'customer' | 'staff' | 'system';

/** `data` of `order.status_changed`. */
export interface OrderStatusChangedDataV1 extends OrderCreatedDataV1 {
  previousStatus: OrderStatus;
  changedBy: ChangedBy;
}

/** `data` of `order.paid`: the order as it is once paid, and who took the payment. */
export interface OrderPaidDataV1 extends OrderCreatedDataV1 {
  payment: { provider: string; amount: number };
}

/** `data` of `order.refunded`: one refund, and every refund of the order so far. */
export interface OrderRefundedDataV1 extends OrderCreatedDataV1 {
  refund: { id: string; amount: number; reason: string | null };
  refundedTotal: number;
}

/** The columns a payload is made of (an entity, or a row read for the purpose). */
export type OrderPayloadSource = Pick<
  Order,
  | 'id'
  | 'number'
  | 'status'
  | 'paymentStatus'
  | 'currency'
  | 'subtotal'
  | 'discountAmount'
  | 'shippingAmount'
  | 'taxAmount'
  | 'total'
  | 'couponCode'
  | 'shippingAddress'
  | 'billingAddress'
  | 'trackingNumber'
  | 'createdAt'
  | 'updatedAt'
>;
export type OrderLinePayloadSource = OrderLinePayloadV1 & Pick<OrderItem, 'position'>;

export function toOrderPayloadV1(
  order: OrderPayloadSource,
  items: OrderLinePayloadSource[],
): OrderPayloadV1 {
  return {
    id: order.id,
    number: order.number,
    status: order.status,
    paymentStatus: order.paymentStatus,
    currency: order.currency,
    subtotal: order.subtotal,
    discountAmount: order.discountAmount,
    shippingAmount: order.shippingAmount,
    taxAmount: order.taxAmount,
    total: order.total,
    couponCode: order.couponCode,
    shippingAddress: order.shippingAddress,
    billingAddress: order.billingAddress,
    trackingNumber: order.trackingNumber,
    items: [...items]
      .sort((a, b) => a.position - b.position)
      .map((item) => ({
        productId: item.productId,
        variantId: item.variantId,
        sku: item.sku,
        name: item.name,
        variantName: item.variantName,
        unitPrice: item.unitPrice,
        quantity: item.quantity,
        lineTotal: item.lineTotal,
      })),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
  };
}

/** A guest (the holder of the order token) counts as the customer. */
export const changedBy = (
  byUserId: string | null,
  customerId: string | null,
  byGuest = false,
): ChangedBy =>
  byGuest
    ? 'customer'
    : byUserId === null
      ? 'system'
      : byUserId === customerId
        ? 'customer'
        : 'staff';
