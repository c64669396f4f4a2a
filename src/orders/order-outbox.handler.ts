import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Address } from '@/common/address.js';
import { InTransaction } from '@/common/events/domain-event-bus.js';
import { found } from '@/common/domain-error.js';
import { OutboxService } from '@/outbox/outbox.service.js';
import { OrderCreated } from './events/order-created.event.js';
import { OrderPaid } from './events/order-paid.event.js';
import { OrderRefunded } from './events/order-refunded.event.js';
import { OrderStatusChanged } from './events/order-status-changed.event.js';
import {
  changedBy,
  type OrderCreatedDataV1,
  type OrderLinePayloadSource,
  type OrderPaidDataV1,
  type OrderRefundedDataV1,
  type OrderStatusChangedDataV1,
  toOrderPayloadV1,
} from './events/order-webhook-payload.js';
import type { OrderStatus, PaymentStatus } from './order-state-machine.js';

/**
 * Puts order events in the outbox, in the transaction of the change: webhooks and emails learn
 * of an order exactly when it commits, and never of one rolled back. The payload is the order as
 * it is at that moment (orders/events/order-webhook-payload.ts, version 1).
 */
@Injectable()
export class OrderOutboxHandler {
  constructor(private readonly outbox: OutboxService) {}

  @InTransaction(OrderCreated)
  async recordCreated(event: OrderCreated, manager: EntityManager): Promise<void> {
    const data: OrderCreatedDataV1 = await this.snapshot(manager, event.orderId);
    await this.outbox.record(manager, {
      type: 'order.created',
      aggregateType: 'order',
      aggregateId: event.orderId,
      userId: event.userId,
      payload: { ...data },
    });
  }

  @InTransaction(OrderStatusChanged)
  async recordStatusChanged(event: OrderStatusChanged, manager: EntityManager): Promise<void> {
    const data: OrderStatusChangedDataV1 = {
      ...(await this.snapshot(manager, event.orderId)),
      previousStatus: event.oldStatus,
      changedBy: changedBy(event.byUserId, event.userId, event.byGuest),
    };
    await this.outbox.record(manager, {
      type: 'order.status_changed',
      aggregateType: 'order',
      aggregateId: event.orderId,
      userId: event.userId,
      payload: { ...data },
    });
  }

  @InTransaction(OrderPaid)
  async recordPaid(event: OrderPaid, manager: EntityManager): Promise<void> {
    const snapshot = await this.snapshot(manager, event.orderId);
    const data: OrderPaidDataV1 = {
      ...snapshot,
      payment: { provider: event.provider, amount: snapshot.order.total },
    };
    await this.outbox.record(manager, {
      type: 'order.paid',
      aggregateType: 'order',
      aggregateId: event.orderId,
      userId: event.userId,
      payload: { ...data },
    });
  }

  @InTransaction(OrderRefunded)
  async recordRefunded(event: OrderRefunded, manager: EntityManager): Promise<void> {
    const data: OrderRefundedDataV1 = {
      ...(await this.snapshot(manager, event.orderId)),
      refund: { id: event.refundId, amount: event.amount, reason: event.reason },
      refundedTotal: event.refundedTotal,
    };
    await this.outbox.record(manager, {
      type: 'order.refunded',
      aggregateType: 'order',
      aggregateId: event.orderId,
      userId: event.userId,
      payload: { ...data },
    });
  }

  /**
   * The order, its lines and the customer's address (the account's, or a guest order's contact
   * address) in one round trip (this runs inside every
   * checkout and status change, so it is kept to one statement).
   */
  private async snapshot(manager: EntityManager, orderId: string): Promise<OrderCreatedDataV1> {
    const [row] = await manager.query<SnapshotRow[]>(
      `SELECT o.id, o.number, o.status, o.payment_status, o.currency, o.subtotal,
              o.discount_amount, o.shipping_amount, o.tax_amount, o.total, o.coupon_code,
              o.shipping_address, o.billing_address, o.tracking_number, o.created_at,
              o.updated_at, o.user_id, coalesce(u.email, o.guest_email) AS email,
              coalesce((SELECT json_agg(json_build_object(
                         'productId', i.product_id, 'variantId', i.variant_id, 'sku', i.sku,
                         'name', i.name, 'variantName', i.variant_name, 'unitPrice', i.unit_price,
                         'quantity', i.quantity, 'lineTotal', i.line_total, 'position', i.position))
                          FROM order_items i WHERE i.order_id = o.id), '[]') AS items
         FROM orders o LEFT JOIN users u ON u.id = o.user_id
        WHERE o.id = $1`,
      [orderId],
    );
    const order = found(row, 'Order');
    return {
      order: toOrderPayloadV1(
        {
          id: order.id,
          number: order.number,
          status: order.status,
          paymentStatus: order.payment_status,
          currency: order.currency,
          subtotal: order.subtotal,
          discountAmount: order.discount_amount,
          shippingAmount: order.shipping_amount,
          taxAmount: order.tax_amount,
          total: order.total,
          couponCode: order.coupon_code,
          shippingAddress: order.shipping_address,
          billingAddress: order.billing_address,
          trackingNumber: order.tracking_number,
          createdAt: order.created_at,
          updatedAt: order.updated_at,
        },
        order.items,
      ),
      customer: { id: order.user_id, email: order.email },
    };
  }
}

/** The snapshot query's row (snake_case columns, as PostgreSQL names them). */
interface SnapshotRow {
  id: string;
  number: string;
  status: OrderStatus;
  payment_status: PaymentStatus;
  currency: string;
  subtotal: number;
  discount_amount: number;
  shipping_amount: number;
  tax_amount: number;
  total: number;
  coupon_code: string | null;
  shipping_address: Address;
  billing_address: Address;
  tracking_number: string | null;
  created_at: Date;
  updated_at: Date;
  user_id: string | null;
  email: string;
  items: OrderLinePayloadSource[];
}
