import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import { OrderStatusService } from '@/orders/order-status.service.js';
import type { Order } from '@/orders/order.entity.js';
import { lockPayment, paidStatusOf } from './payment-ledger.js';
import { Payment } from './payment.entity.js';
import { PAYMENT_PROVIDER, type PaymentProvider, type ProviderEvent } from './payment-provider.js';
import { paymentsTotal, providerEventsTotal, refundsTotal } from './payments.metrics.js';
import { PaymentProviderNotConfiguredError } from './payments.errors.js';
import { RefundsService } from './refunds.service.js';

export type EventResult = 'applied' | 'duplicate' | 'ignored' | 'unknown_payment';

/** Why a payment that arrived after its order was cancelled was given back. */
export const LATE_PAYMENT_NOTE =
  'Payment received after the order was cancelled: refunded automatically';

/**
 * Applies verified provider events, each once: the event id is inserted in the transaction that
 * applies it (a redelivery finds it and changes nothing), under the order's and the payment's
 * row locks. Events may come in any order; each is applied against the payment as it is, so the
 * outcome does not depend on the order: a refund seen before the success also applies the
 * success, a success seen after it is already applied changes nothing, a failure after a success
 * is ignored.
 */
@Injectable()
export class PaymentEventsService {
  private readonly logger = new Logger('PaymentEvents');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly orders: OrderStatusService,
    private readonly refunds: RefundsService,
  ) {}

  /** Verifies and applies a webhook of `provider` (a name in its URL). */
  async handleWebhook(
    provider: string,
    rawBody: string,
    signature: string | undefined,
  ): Promise<EventResult> {
    if (provider !== this.provider.name || !this.provider.paysOnline)
      throw new PaymentProviderNotConfiguredError(provider);
    let event: ProviderEvent;
    try {
      event = this.provider.parseEvent(rawBody, signature);
    } catch (error) {
      providerEventsTotal.inc({ provider, type: 'unverified', result: 'rejected' });
      throw error;
    }
    const result = await this.apply(event);
    providerEventsTotal.inc({ provider, type: event.type, result });
    return result;
  }

  async apply(event: ProviderEvent): Promise<EventResult> {
    if (event.kind === 'ignored') return 'ignored';
    const lateRefunds: string[] = [];
    const result = await withTransactionRetry(() =>
      this.db.transaction(async (manager): Promise<EventResult> => {
        lateRefunds.length = 0;
        const orderId = await this.orderOf(manager, event.reference, event.orderId);
        if (!orderId) return 'unknown_payment';
        const first = await manager.query<unknown[]>(
          `INSERT INTO processed_provider_events (provider, event_id, type) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING 1`,
          [this.provider.name, event.id, event.type],
        );
        if (first.length === 0) return 'duplicate';
        const order = await this.orders.lockOrder(manager, orderId);
        const payment = await lockPayment(manager, order);
        if (!payment.providerReference) payment.providerReference = event.reference;
        switch (event.kind) {
          case 'succeeded':
            if (await this.succeeded(manager, order, payment, event.amountReceived))
              await this.refundIfCancelled(manager, order, payment, lateRefunds);
            break;
          case 'failed':
            await this.failed(manager, order, payment, event.failureMessage);
            break;
          case 'refunded': {
            // What Stripe already gave back counts first: a late payment is refunded only for
            // what is left of it.
            const newly = await this.succeeded(manager, order, payment, event.amountReceived);
            await this.refundedAtProvider(manager, order, payment, event.amountRefunded);
            if (newly) await this.refundIfCancelled(manager, order, payment, lateRefunds);
            break;
          }
        }
        await manager.save(payment);
        return 'applied';
      }),
    );
    // After commit: the automatic refund of a payment that came after the cancellation.
    for (const refundId of lateRefunds) {
      await this.refunds
        .execute(refundId)
        .catch((error: unknown) =>
          this.logger.error({ err: error, refundId }, 'automatic refund failed'),
        );
    }
    return result;
  }

  /** The order a payment reference belongs to; the metadata's order id for one not stored yet. */
  private async orderOf(
    manager: EntityManager,
    reference: string,
    metadataOrderId: string | undefined,
  ): Promise<string | undefined> {
    const known = await manager.findOne(Payment, {
      where: { provider: this.provider.name, providerReference: reference },
    });
    if (known) return known.orderId;
    if (!metadataOrderId || !/^[0-9a-f-]{36}$/i.test(metadataOrderId)) return undefined;
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM orders WHERE id = $1 AND payment_provider = $2`,
      [metadataOrderId, this.provider.name],
    );
    return rows.length > 0 ? metadataOrderId : undefined;
  }

  /** Records the payment as succeeded; whether it was not already (so this event paid it). */
  private async succeeded(
    manager: EntityManager,
    order: Order,
    payment: Payment,
    amountReceived: number,
  ): Promise<boolean> {
    if (payment.status === 'succeeded') return false;
    payment.status = 'succeeded';
    payment.amountReceived = Math.max(amountReceived, payment.amountRefunded);
    payment.failureMessage = null;
    await manager.save(payment);
    paymentsTotal.inc({ provider: payment.provider, outcome: 'succeeded' });
    // Too late for a cancelled order: its stock is gone (refundIfCancelled gives the money back).
    if (order.status === 'cancelled') return true;
    await this.orders.setPaymentStatus(manager, order, paidStatusOf(payment));
    if (order.status === 'pending')
      await this.orders.moveAsSystem(manager, order.id, {
        to: 'confirmed',
        note: 'Payment received',
      });
    return true;
  }

  /**
   * A payment that arrived after its order was cancelled is given back, all of it not refunded
   * yet, and the order's history says why. The refund is asked for after commit.
   */
  private async refundIfCancelled(
    manager: EntityManager,
    order: Order,
    payment: Payment,
    lateRefunds: string[],
  ): Promise<void> {
    if (order.status !== 'cancelled') return;
    const refundable = payment.amountReceived - payment.amountRefunded;
    if (refundable <= 0) return;
    const refund = await this.refunds.reserve(manager, order, payment, {
      amount: refundable,
      reason: LATE_PAYMENT_NOTE,
      createdBy: null,
      online: true,
    });
    lateRefunds.push(refund.id);
    await this.orders.addHistoryNote(manager, order, LATE_PAYMENT_NOTE);
  }

  private async failed(
    manager: EntityManager,
    order: Order,
    payment: Payment,
    message: string | null,
  ): Promise<void> {
    if (payment.status !== 'pending' && payment.status !== 'failed') return;
    payment.status = 'failed';
    payment.failureMessage = message;
    paymentsTotal.inc({ provider: payment.provider, outcome: 'failed' });
    if (order.paymentStatus === 'pending')
      await this.orders.setPaymentStatus(manager, order, 'failed');
  }

  /**
   * The provider's refunded total: what it says beyond the refunds the shop knows of (made in
   * the provider's dashboard) is recorded as one refund. Refunds the shop asked for are already
   * counted (pending until their request returns), so a total that lags is simply older news.
   */
  private async refundedAtProvider(
    manager: EntityManager,
    order: Order,
    payment: Payment,
    amountRefunded: number,
  ): Promise<void> {
    const unknown = Math.min(amountRefunded, payment.amountReceived) - payment.amountRefunded;
    if (unknown <= 0) return;
    const refund = await this.refunds.reserve(manager, order, payment, {
      amount: unknown,
      reason: 'Refunded at the payment provider',
      createdBy: null,
      online: false, // already made: recorded as succeeded, with its order.refunded event
    });
    refundsTotal.inc({ provider: payment.provider, result: 'external' });
    this.logger.log(
      { orderId: order.id, refundId: refund.id },
      'refund made at the provider recorded',
    );
  }
}
