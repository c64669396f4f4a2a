import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { PaymentDto, RefundDto } from './dto/payment.dto.js';
import { Payment, type PaymentRecordStatus } from './payment.entity.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { paymentsTotal } from './payments.metrics.js';
import { Refund } from './refund.entity.js';

/** The order columns payments read (an `Order` entity or its DTO). */
export interface PaymentOrder {
  id: string;
  number: string;
  /** `null` for a guest order. */
  userId: string | null;
  status: string;
  paymentStatus: string;
  total: number;
  currency: string;
  /** Absent on an order DTO: the configured provider (the one checkout just used). */
  paymentProvider?: string;
}

/** The order can still be paid: pending, and nothing paid yet (or the last attempt failed). */
export const isPayable = (order: PaymentOrder): boolean =>
  order.status === 'pending' &&
  (order.paymentStatus === 'pending' || order.paymentStatus === 'failed');

/** A manual payment's state, read from the order's payment status (staff record payment so). */
function manualState(paymentStatus: string): PaymentRecordStatus {
  if (['paid', 'partially_refunded', 'refunded'].includes(paymentStatus)) return 'succeeded';
  return paymentStatus === 'voided' ? 'canceled' : 'pending';
}

/** What an order's `payment` object is made of, from its payment row. */
type PaymentRow = Pick<Payment, 'provider' | 'status' | 'amount' | 'amountRefunded'>;

/** The `payment` object of `order`, from its payment row (if any yet) and its refunds. */
function paymentView(
  order: PaymentOrder,
  payment: PaymentRow | undefined,
  refunds: Refund[],
): PaymentDto {
  const provider = payment?.provider ?? order.paymentProvider ?? 'manual';
  return {
    provider,
    status: provider === 'manual' || !payment ? manualState(order.paymentStatus) : payment.status,
    amount: payment?.amount ?? order.total,
    amountRefunded: payment?.amountRefunded ?? 0,
    refunds: refunds.map(toRefundDto),
  };
}

const toRefundDto = (refund: Refund): RefundDto => ({
  id: refund.id,
  amount: refund.amount,
  currency: refund.currency,
  status: refund.status,
  reason: refund.reason,
  createdAt: refund.createdAt.toISOString(),
});

/**
 * Orders' payments with the configured provider (`PAYMENT_PROVIDER`): creating an order's
 * payment after its checkout committed, and the `payment` object of order answers. No
 * transaction is held open across a call to the provider: the order commits first, then the
 * provider is asked with an idempotency key made of the order id, then its reference is stored.
 * A failure in between leaves an order whose payment is pending without a reference; the next
 * read by its owner (or a replayed checkout) asks again with the same key, so the provider
 * answers the same payment, never a second one (docs/api/payments.md).
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger('Payments');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PAYMENT_PROVIDER) readonly provider: PaymentProvider,
  ) {}

  /**
   * The checkout's payment: created with the provider (or found, for a replayed checkout) and
   * answered with its client secret. Never throws: the order is committed whatever the provider
   * says, and stays pending until a later read creates the payment or the timeout cancels it.
   */
  async forCheckout(order: PaymentOrder): Promise<PaymentDto> {
    const ordered = { ...order, paymentProvider: order.paymentProvider ?? this.provider.name };
    let clientSecret: string | null = null;
    // The view of a payment row made just now: no refunds yet, so nothing to read back.
    let fresh: PaymentDto | undefined;
    const made = (row: PaymentRow): void => void (fresh = paymentView(ordered, row, []));
    try {
      clientSecret = await this.start(ordered, made);
    } catch (error) {
      paymentsTotal.inc({ provider: this.provider.name, outcome: 'create_failed' });
      this.logger.warn(
        { err: error, orderId: order.id },
        'creating the payment failed: the order stays pending, its next read tries again',
      );
    }
    // A replayed checkout (its row was there already) or a failed insert reads the row.
    const view = fresh ?? (await this.viewsOf([ordered]))[0];
    return clientSecret ? { ...view, clientSecret } : view;
  }

  /**
   * The client secret the order's owner pays with, while the order can be paid (its payment
   * created now if checkout could not); `undefined` otherwise, or when the provider cannot be
   * reached (the read still answers).
   */
  async clientSecretFor(order: PaymentOrder): Promise<string | undefined> {
    if (!isPayable(order) || order.paymentProvider !== this.provider.name) return undefined;
    if (!this.provider.paysOnline) return undefined;
    try {
      return (await this.start({ ...order, paymentProvider: this.provider.name })) ?? undefined;
    } catch (error) {
      this.logger.warn({ err: error, orderId: order.id }, 'reading the payment failed');
      return undefined;
    }
  }

  /** The `payment` object of each order (same order as given). */
  async viewsOf(
    orders: PaymentOrder[],
    manager: EntityManager = this.db.manager,
  ): Promise<PaymentDto[]> {
    if (orders.length === 0) return [];
    const ids = orders.map((o) => o.id);
    const [payments, refunds] = await Promise.all([
      manager.find(Payment, { where: { orderId: In(ids) } }),
      manager.find(Refund, { where: { orderId: In(ids) }, order: { createdAt: 'ASC', id: 'ASC' } }),
    ]);
    return orders.map((order) =>
      paymentView(
        order,
        payments.find((p) => p.orderId === order.id),
        refunds.filter((r) => r.orderId === order.id),
      ),
    );
  }

  /**
   * The `payment` object of an order placed in the current transaction: it has no payment row
   * yet (checkout makes it after commit) and so no refunds, and nothing need be read.
   */
  viewOfNewOrder(order: PaymentOrder): PaymentDto {
    return paymentView(order, undefined, []);
  }

  /**
   * Makes sure the order has its payment row and, with an online provider, its payment at the
   * provider; the client secret while it can be paid.
   */
  private async start(
    order: PaymentOrder & { paymentProvider: string },
    made: (row: PaymentRow) => void = () => undefined,
  ): Promise<string | null> {
    const [inserted] = await this.db.query<Array<{ status: PaymentRecordStatus }>>(
      `INSERT INTO payments (order_id, provider, amount, currency) VALUES ($1, $2, $3, $4)
       ON CONFLICT (order_id) DO NOTHING RETURNING status`,
      [order.id, order.paymentProvider, order.total, order.currency],
    );
    if (inserted) {
      const { paymentProvider: provider, total: amount } = order;
      made({ provider, status: inserted.status, amount, amountRefunded: 0 });
    }
    if (!this.provider.paysOnline || order.paymentProvider !== this.provider.name) return null;
    const payment = await this.db.manager.findOneByOrFail(Payment, { orderId: order.id });
    if (payment.providerReference) {
      const current = await this.provider.retrievePayment(payment.providerReference);
      return isPayable(order) ? current.clientSecret : null;
    }
    if (!isPayable(order)) return null;
    const created = await this.provider.createPayment(order);
    if (!created) return null;
    // Concurrent starts got the same payment (same idempotency key): the first store wins.
    await this.db.query(
      `UPDATE payments SET provider_reference = $2, updated_at = now()
        WHERE order_id = $1 AND provider_reference IS NULL`,
      [order.id, created.reference],
    );
    paymentsTotal.inc({ provider: this.provider.name, outcome: 'created' });
    return created.clientSecret;
  }
}
