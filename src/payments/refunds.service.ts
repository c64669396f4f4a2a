import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthUser } from '@/common/auth.js';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import { OrderRefunded } from '@/orders/events/order-refunded.event.js';
import { OrderStatusService } from '@/orders/order-status.service.js';
import type { Order } from '@/orders/order.entity.js';
import type { RefundDto, RefundOrderDto } from './dto/payment.dto.js';
import { lockPayment, paidStatusOf } from './payment-ledger.js';
import type { Payment } from './payment.entity.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import {
  OrderNotPaidError,
  PaymentProviderError,
  RefundExceedsPaidError,
} from './payments.errors.js';
import { refundsTotal } from './payments.metrics.js';
import { Refund } from './refund.entity.js';

const REFUNDABLE: readonly string[] = ['paid', 'partially_refunded'];

/**
 * Refunds. The amount is reserved under the order's and the payment's row locks (so concurrent
 * refunds never add up past what was paid), the transaction commits, and only then the provider
 * is asked, with the refund's id as idempotency key: no transaction waits on the provider, and
 * a refund retried after an outage is never made twice. A refusal releases the reservation; an
 * outage leaves the refund `pending` for the unpaid-order sweep to retry.
 */
@Injectable()
export class RefundsService {
  private readonly logger = new Logger('Refunds');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly orders: OrderStatusService,
    private readonly events: DomainEventBus,
  ) {}

  /** `refundOrder`: all that is left when `amount` is absent. */
  async refundOrder(actor: AuthUser, orderId: string, dto: RefundOrderDto): Promise<RefundDto> {
    const refund = await withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        const order = await this.orders.lockOrder(manager, orderId);
        if (!REFUNDABLE.includes(order.paymentStatus) && order.paymentStatus !== 'refunded')
          throw new OrderNotPaidError(order.paymentStatus);
        const payment = await lockPayment(manager, order);
        if (order.paymentProvider === 'manual' && payment.amountReceived === 0) {
          // Staff recorded the payment by confirming the order: it brought in the total.
          payment.amountReceived = order.total;
        }
        const refundable =
          order.paymentStatus === 'refunded' ? 0 : payment.amountReceived - payment.amountRefunded;
        const amount = dto.amount ?? refundable;
        if (refundable <= 0 || amount > refundable)
          throw new RefundExceedsPaidError(dto.amount ?? 0, Math.max(refundable, 0));
        return this.reserve(manager, order, payment, {
          amount,
          reason: dto.reason ?? null,
          createdBy: actor.id,
          online: this.isOnline(order),
        });
      }),
    );
    return this.toDto(refund.status === 'pending' ? await this.execute(refund.id) : refund);
  }

  /**
   * Reserves a refund on a locked order and payment: the refund row (succeeded at once for a
   * provider that pays offline: staff gave the money back by hand), the payment's refunded
   * amount, the order's payment status, and (when already made) the `order.refunded` event.
   */
  async reserve(
    manager: EntityManager,
    order: Order,
    payment: Payment,
    refund: { amount: number; reason: string | null; createdBy: string | null; online: boolean },
  ): Promise<Refund> {
    const row = await manager.save(
      manager.create(Refund, {
        paymentId: payment.id,
        orderId: order.id,
        amount: refund.amount,
        currency: payment.currency,
        status: refund.online ? 'pending' : 'succeeded',
        reason: refund.reason,
        providerReference: null,
        createdBy: refund.createdBy,
      }),
    );
    payment.amountRefunded += refund.amount;
    await manager.save(payment);
    await this.orders.setPaymentStatus(manager, order, paidStatusOf(payment));
    if (!refund.online) {
      refundsTotal.inc({ provider: order.paymentProvider, result: 'succeeded' });
      this.recordRefunded(manager, order, row, payment.amountRefunded);
    }
    return row;
  }

  /**
   * Asks the provider for a pending refund (again, after an outage: same idempotency key).
   * Succeeded: marked so, with `order.refunded`. Refused: failed, the amount released. Not
   * reached: left pending, retried later; the refund answers `pending`.
   */
  async execute(refundId: string): Promise<Refund> {
    const refund = await this.db.manager.findOneByOrFail(Refund, { id: refundId });
    if (refund.status !== 'pending') return refund;
    const payment = await this.db.query<
      Array<{ provider_reference: string | null; provider: string }>
    >(`SELECT provider_reference, provider FROM payments WHERE id = $1`, [refund.paymentId]);
    const provider = payment[0]?.provider ?? this.provider.name;
    try {
      if (provider !== this.provider.name)
        throw new PaymentProviderError(`the order was paid through ${provider}`, true);
      const made = await this.provider.refund(payment[0]?.provider_reference ?? null, {
        id: refund.id,
        amount: refund.amount,
        reason: refund.reason,
      });
      return await this.settle(refund.id, { status: 'succeeded', reference: made.reference });
    } catch (error) {
      if (error instanceof PaymentProviderError && error.definitive) {
        await this.settle(refund.id, { status: 'failed', reference: null });
        refundsTotal.inc({ provider, result: 'failed' });
        throw error;
      }
      refundsTotal.inc({ provider, result: 'pending' });
      this.logger.warn(
        { err: error, refundId },
        'refund not confirmed by the provider: retried later',
      );
      return refund;
    }
  }

  /** Pending refunds older than a minute (their request was lost): asked for again. */
  async retryPending(): Promise<void> {
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM refunds WHERE status = 'pending' AND created_at < now() - interval '1 minute'
        ORDER BY created_at LIMIT 100`,
    );
    for (const { id } of rows) {
      await this.execute(id).catch((error: unknown) =>
        this.logger.warn({ err: error, refundId: id }, 'retrying a refund failed'),
      );
    }
  }

  /** Ends a pending refund under the order's and payment's locks (exactly once). */
  private settle(
    refundId: string,
    outcome: { status: 'succeeded' | 'failed'; reference: string | null },
  ): Promise<Refund> {
    return withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        const pending = await manager.findOneByOrFail(Refund, { id: refundId });
        const order = await this.orders.lockOrder(manager, pending.orderId);
        const payment = await lockPayment(manager, order);
        const refund = await manager.findOneByOrFail(Refund, { id: refundId });
        if (refund.status !== 'pending') return refund;
        refund.status = outcome.status;
        refund.providerReference = outcome.reference;
        await manager.save(refund);
        if (outcome.status === 'failed') {
          payment.amountRefunded -= refund.amount;
          await manager.save(payment);
          await this.orders.setPaymentStatus(manager, order, paidStatusOf(payment));
        } else {
          refundsTotal.inc({ provider: payment.provider, result: 'succeeded' });
          this.recordRefunded(manager, order, refund, payment.amountRefunded);
        }
        return refund;
      }),
    );
  }

  private recordRefunded(
    manager: EntityManager,
    order: Order,
    refund: Refund,
    total: number,
  ): void {
    this.events.record(
      new OrderRefunded(order.id, order.userId, refund.id, refund.amount, total, refund.reason),
      manager,
    );
  }

  private isOnline(order: Order): boolean {
    return order.paymentProvider !== 'manual';
  }

  toDto(refund: Refund): RefundDto {
    return {
      id: refund.id,
      amount: refund.amount,
      currency: refund.currency,
      status: refund.status,
      reason: refund.reason,
      createdAt: refund.createdAt.toISOString(),
    };
  }
}
