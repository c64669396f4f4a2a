import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AfterCommit } from '@/common/events/domain-event-bus.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import { JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import { OrderStatusService } from '@/orders/order-status.service.js';
import { isPayable } from './payments.service.js';
import { PAYMENT_PROVIDER, type PaymentProvider } from './payment-provider.js';
import { unpaidOrdersCancelled } from './payments.metrics.js';
import { RefundsService } from './refunds.service.js';

const SWEEP_BATCH = 100;
export const TIMEOUT_NOTE = 'Not paid in time: cancelled automatically';

/**
 * Unpaid orders: every minute (pg-boss cron, one instance per occurrence) orders still unpaid
 * after `PAYMENT_TIMEOUT` (online providers) or `MANUAL_PAYMENT_TIMEOUT` (manual, when set) are
 * cancelled through the state machine, which gives their stock and coupon use back. Each order
 * is re-checked under its row lock, so however many instances sweep at once, one cancels it and
 * the others find it cancelled. Any cancellation of an unpaid online order (this one, a
 * customer's, staff's) then cancels its payment at the provider, after commit. The sweep also
 * retries refunds whose request to the provider was lost.
 */
@Injectable()
export class PaymentTimeoutService implements OnApplicationBootstrap {
  private readonly logger = new Logger('PaymentTimeout');

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    @Inject(PAYMENT_PROVIDER) private readonly provider: PaymentProvider,
    private readonly orders: OrderStatusService,
    private readonly refunds: RefundsService,
    private readonly jobs: JobQueue,
  ) {}

  /** A cancelled order's payment is cancelled at the provider (however it was cancelled). */
  @AfterCommit(OrderStatusChanged)
  async cancelPaymentOfCancelledOrder(event: OrderStatusChanged): Promise<void> {
    if (event.newStatus === 'cancelled') await this.cancelAtProvider(event.orderId);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.schedule(QUEUES.paymentTimeout, '* * * * *');
    await this.jobs.work(QUEUES.paymentTimeout, () => this.sweep(), {
      batchSize: 1,
      concurrency: 1,
    });
  }

  /** One pass: expired orders cancelled, lost refunds retried. */
  async sweep(): Promise<void> {
    await this.cancelExpired();
    await this.refunds.retryPending();
  }

  /** Cancels the orders unpaid past their timeout; how many this call cancelled. */
  async cancelExpired(): Promise<number> {
    const { paymentTimeoutSeconds, manualPaymentTimeoutSeconds } = this.config.payments;
    const rows = await this.db.query<Array<{ id: string }>>(
      `SELECT id FROM orders
        WHERE status = 'pending' AND payment_status IN ('pending', 'failed')
          AND ((payment_provider <> 'manual' AND created_at < now() - make_interval(secs => $1))
            OR (payment_provider = 'manual' AND $2::int IS NOT NULL
                AND created_at < now() - make_interval(secs => $2::int)))
        ORDER BY created_at LIMIT $3`,
      [paymentTimeoutSeconds, manualPaymentTimeoutSeconds ?? null, SWEEP_BATCH],
    );
    let cancelled = 0;
    for (const { id } of rows) {
      try {
        if (await this.cancelIfStillUnpaid(id)) cancelled += 1;
      } catch (error) {
        this.logger.error({ err: error, orderId: id }, 'cancelling an unpaid order failed');
      }
    }
    return cancelled;
  }

  private cancelIfStillUnpaid(orderId: string): Promise<boolean> {
    return withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        const order = await this.orders.lockOrder(manager, orderId);
        // Another instance cancelled it, or it was paid, while this one waited for the lock.
        if (!isPayable(order)) return false;
        await this.orders.moveAsSystem(manager, orderId, { to: 'cancelled', note: TIMEOUT_NOTE });
        unpaidOrdersCancelled.inc({ provider: order.paymentProvider });
        return true;
      }),
    );
  }

  /** Cancels the payment of a cancelled, unpaid online order at the provider (after commit). */
  private async cancelAtProvider(orderId: string): Promise<void> {
    if (!this.provider.paysOnline) return;
    // A data-modifying CTE read by a SELECT: the rows come back as rows (a bare UPDATE's do not).
    const [row] = await this.db.query<Array<{ provider_reference: string | null }>>(
      `WITH changed AS (
         UPDATE payments SET status = 'canceled', updated_at = now()
          WHERE order_id = $1 AND provider = $2 AND status IN ('pending', 'failed')
          RETURNING provider_reference)
       SELECT provider_reference FROM changed`,
      [orderId, this.provider.name],
    );
    if (!row?.provider_reference) return;
    try {
      await this.provider.cancel(row.provider_reference);
    } catch (error) {
      // A payment that still succeeds is refunded automatically when its event arrives.
      this.logger.warn({ err: error, orderId }, 'cancelling the payment at the provider failed');
    }
  }
}
