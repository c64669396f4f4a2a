import { Counter } from 'prom-client';
import { metricsRegistry } from '@/observability/metrics.js';

/** What scheduled retention deletes: the keys of a run's counts. */
export const RETENTION_KINDS = [
  'refreshTokens',
  'idempotencyKeys',
  'notifications',
  'guestCarts',
  'orphanUploads',
  'outboxEvents',
  'webhookDeliveries',
  'accountTokens',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Rows (or files) a run deleted, by kind. */
export type PurgeCounts = Record<RetentionKind, number>;

const LABEL: Record<RetentionKind, string> = {
  refreshTokens: 'refresh_tokens',
  idempotencyKeys: 'idempotency_keys',
  notifications: 'notifications',
  guestCarts: 'guest_carts',
  orphanUploads: 'orphan_uploads',
  outboxEvents: 'outbox_events',
  webhookDeliveries: 'webhook_deliveries',
  accountTokens: 'account_tokens',
};

const purged = new Counter({
  name: 'retention_purged_total',
  help: 'Rows and files deleted by scheduled retention, by kind',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/** Counts as they are deleted (per batch), so an interrupted run still shows its progress. */
export const recordPurged = (kind: RetentionKind, count: number): void => {
  if (count > 0) purged.inc({ kind: LABEL[kind] }, count);
};
