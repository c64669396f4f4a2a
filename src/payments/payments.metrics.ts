import { Counter } from 'prom-client';
import { metricsRegistry } from '@/observability/metrics.js';

/** Payments by what happened to them (created at the provider, succeeded, failed, cancelled). */
export const paymentsTotal = new Counter({
  name: 'payments_total',
  help: 'Payments by provider and outcome (created, create_failed, succeeded, failed, canceled)',
  labelNames: ['provider', 'outcome'] as const,
  registers: [metricsRegistry],
});

/** Refunds by provider and result. */
export const refundsTotal = new Counter({
  name: 'payment_refunds_total',
  help: 'Refunds by provider and result (succeeded, pending, failed, external)',
  labelNames: ['provider', 'result'] as const,
  registers: [metricsRegistry],
});

/** Provider webhook events by type and what became of them. */
export const providerEventsTotal = new Counter({
  name: 'payment_provider_events_total',
  help: 'Payment provider webhook events by provider, type and result (applied, duplicate, ignored, unknown_payment, rejected)',
  labelNames: ['provider', 'type', 'result'] as const,
  registers: [metricsRegistry],
});

/** Unpaid orders the timeout cancelled. */
export const unpaidOrdersCancelled = new Counter({
  name: 'payment_unpaid_orders_cancelled_total',
  help: 'Orders cancelled because they were still unpaid after PAYMENT_TIMEOUT (or MANUAL_PAYMENT_TIMEOUT)',
  labelNames: ['provider'] as const,
  registers: [metricsRegistry],
});
