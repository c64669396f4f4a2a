import type { EntityManager } from 'typeorm';
import type { PaymentStatus } from '@/orders/order-state-machine.js';
import type { Order } from '@/orders/order.entity.js';
import { Payment } from './payment.entity.js';

/**
 * What the order's `paymentStatus` says about a payment: paid, partly or wholly refunded
 * (pending refunds count: the money is promised back).
 */
export function paidStatusOf(
  payment: Pick<Payment, 'amountReceived' | 'amountRefunded'>,
): PaymentStatus {
  if (payment.amountRefunded === 0) return 'paid';
  return payment.amountRefunded >= payment.amountReceived ? 'refunded' : 'partially_refunded';
}

/**
 * The order's payment row, locked for the rest of the transaction (made first for an order that
 * has none: placed before payments existed, or its checkout's payment step never ran). Always
 * locked after the order's row, by every writer, so none deadlock.
 */
export async function lockPayment(manager: EntityManager, order: Order): Promise<Payment> {
  await manager.query(
    `INSERT INTO payments (order_id, provider, amount, currency) VALUES ($1, $2, $3, $4)
     ON CONFLICT (order_id) DO NOTHING`,
    [order.id, order.paymentProvider, order.total, order.currency],
  );
  return manager.findOneOrFail(Payment, {
    where: { orderId: order.id },
    lock: { mode: 'pessimistic_write' },
  });
}
