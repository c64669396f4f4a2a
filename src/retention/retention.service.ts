import { resolve } from 'node:path';
import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type QueryRunner } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { MEDIA_STORAGE, type MediaStorage } from '@/media/media-storage.js';
import { oldMediaFiles, removeTemporaryFile } from './media-orphans.js';
import { type RetentionCutoffs, retentionCutoffs } from './retention-rules.js';
import {
  type PurgeCounts,
  RETENTION_KINDS,
  type RetentionKind,
  recordPurged,
} from './retention.metrics.js';

/**
 * The session-level advisory lock a run holds (`pg_try_advisory_lock(1886745191)`, the ASCII of
 * "purg"): one instance purges at a time, the others skip that run. Ops see the holder in
 * `pg_locks` as `locktype = 'advisory' AND objid = 1886745191`.
 */
export const RETENTION_LOCK_KEY = 1_886_745_191;

/** Rows a statement deletes at most: a backlog never holds its row locks for long. */
const BATCH = 5000;

/** One kind of rows: deleted `WHERE <where>`, with the kind's cutoff as `$1`. */
interface RowPurge {
  kind: RetentionKind;
  table: string;
  where: string;
  cutoff: (cutoffs: RetentionCutoffs) => Date;
}

/**
 * Each condition has an index to walk (migration RetentionIndexes, `idempotency_keys_created_idx`,
 * `guest_idempotency_keys_created_idx`, `carts_guest_expires_idx`, the outbox's and webhook
 * deliveries' `*_created_idx`, the account tokens' `*_expires_idx`). `least()` skips NULLs: a
 * token never revoked ended at expiry.
 */
const ROW_PURGES: readonly RowPurge[] = [
  {
    kind: 'refreshTokens',
    table: 'refresh_tokens',
    where: 'least(expires_at, revoked_at) < $1',
    cutoff: (c) => c.refreshTokens,
  },
  {
    kind: 'idempotencyKeys',
    table: 'idempotency_keys',
    where: 'created_at < $1',
    cutoff: (c) => c.idempotencyKeys,
  },
  {
    kind: 'idempotencyKeys',
    table: 'guest_idempotency_keys',
    where: 'created_at < $1',
    cutoff: (c) => c.idempotencyKeys,
  },
  {
    kind: 'notifications',
    table: 'notifications',
    where: 'read_at IS NOT NULL AND created_at < $1',
    cutoff: (c) => c.readNotifications,
  },
  {
    kind: 'notifications',
    table: 'notifications',
    where: 'read_at IS NULL AND created_at < $1',
    cutoff: (c) => c.unreadNotifications,
  },
  {
    // Their lines go by the foreign key's cascade.
    kind: 'guestCarts',
    table: 'carts',
    where: 'user_id IS NULL AND expires_at < $1',
    cutoff: (c) => c.guestCartsExpiring,
  },
  {
    // Never a pending or retrying one (its job still needs it); a redelivered one ages from its
    // last attempt, not its creation. Its attempt log goes by the foreign key's cascade. The
    // bound on `created_at` (never after the last attempt) lets the purge walk
    // `webhook_deliveries_created_idx`.
    kind: 'webhookDeliveries',
    table: 'webhook_deliveries',
    where: `status NOT IN ('pending', 'retrying')
            AND created_at < $1 AND coalesce(last_attempt_at, created_at) < $1`,
    cutoff: (c) => c.webhookDeliveries,
  },
  {
    // After the deliveries, so an event whose last delivery just went goes in the same run. Never
    // an undispatched event (the dispatcher and the sweeper still need it), nor one a delivery
    // still refers to (deleting it would cascade to the delivery, which a redelivery or a retry
    // reads the payload from). Dispatch comes after creation: the bound on `created_at` lets the
    // purge walk `outbox_events_created_idx`.
    kind: 'outboxEvents',
    table: 'outbox_events',
    where: `created_at < $1 AND dispatched_at < $1
            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = outbox_events.id)`,
    cutoff: (c) => c.outboxEvents,
  },
  {
    // Used or not: a used token is refused either way, an expired one too.
    kind: 'accountTokens',
    table: 'password_reset_tokens',
    where: 'expires_at < $1',
    cutoff: (c) => c.accountTokens,
  },
  {
    kind: 'accountTokens',
    table: 'email_verification_tokens',
    where: 'expires_at < $1',
    cutoff: (c) => c.accountTokens,
  },
];

/**
 * A batch of one kind. Rows locked by a transaction in progress (a guest cart being used, a
 * key being claimed anew) are skipped, never waited for: the next run sees them. A row changed
 * meanwhile is locked in its new version and re-checked, so one that no longer qualifies stays.
 * The rows are deleted by physical address (`ctid`, stable while this statement holds their
 * locks): a TID scan, where `key IN (…)` let the planner read the whole table for every batch
 * (1.2 s instead of 54 ms a batch on a million notifications).
 */
const batchSql = ({ table, where }: RowPurge): string => `
  WITH purged AS (
    DELETE FROM ${table}
     WHERE ctid = ANY(ARRAY(SELECT ctid FROM ${table} WHERE ${where} LIMIT ${BATCH} FOR UPDATE SKIP LOCKED))
    RETURNING 1)
  SELECT count(*)::int AS n FROM purged`;

/** Of these media keys, those no row refers to (nor queued for deletion by MediaService). */
const UNREFERENCED_KEYS = `
  SELECT k FROM unnest($1::varchar[]) AS k
   WHERE NOT EXISTS (SELECT 1 FROM catalog_images WHERE storage_key = k)
     AND NOT EXISTS (SELECT 1 FROM user_profiles WHERE image_key = k)
     AND NOT EXISTS (SELECT 1 FROM media_deletions WHERE storage_key = k)`;

/**
 * Deletes what would otherwise only grow, by the ages of `RETENTION_*` ({@link retentionCutoffs}):
 * spent refresh tokens, idempotency keys past their replay window, old notifications, abandoned
 * guest carts, uploaded files no row refers to, dispatched outbox events, finished webhook
 * deliveries, and expired password-reset and email-verification tokens. Runs are scheduled by RetentionScheduler;
 * one instance at a time does the work.
 */
@Injectable()
export class RetentionService implements OnModuleDestroy {
  private readonly logger = new Logger(RetentionService.name);
  private readonly mediaDir: string;
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    @Inject(MEDIA_STORAGE) private readonly storage: MediaStorage,
  ) {
    this.mediaDir = resolve(config.mediaDir);
  }

  /** A run stops after its current batch; shutdown waits for that (the database is still up). */
  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  /**
   * One run, as of `now` (default: the database's clock): what it deleted, by kind, or `null`
   * when another run (of this or another instance) holds the lock, or the app is stopping.
   */
  async purgeOnce(now?: Date): Promise<PurgeCounts | null> {
    if (this.stopping) return null;
    const run = this.runLocked(now);
    this.running.add(run);
    try {
      return await run;
    } finally {
      this.running.delete(run);
    }
  }

  /** Holds the lock on a connection of its own for the run; every statement commits on its own. */
  private async runLocked(now: Date | undefined): Promise<PurgeCounts | null> {
    const runner = this.db.createQueryRunner();
    try {
      const [{ locked }] = await runner.manager.query<[{ locked: boolean }]>(
        'SELECT pg_try_advisory_lock($1) AS locked',
        [RETENTION_LOCK_KEY],
      );
      if (!locked) return null;
      try {
        return await this.run(runner, now);
      } finally {
        await runner.manager.query('SELECT pg_advisory_unlock($1)', [RETENTION_LOCK_KEY]);
      }
    } finally {
      await runner.release();
    }
  }

  private async run(runner: QueryRunner, now: Date | undefined): Promise<PurgeCounts> {
    const started = Date.now();
    const at = now ?? (await runner.manager.query<[{ now: Date }]>('SELECT now()'))[0].now;
    const cutoffs = retentionCutoffs(this.config.retention, at);
    const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as PurgeCounts;
    for (const purge of ROW_PURGES) {
      counts[purge.kind] += await this.purgeRows(runner, purge, purge.cutoff(cutoffs));
    }
    counts.orphanUploads = await this.purgeOrphanUploads(runner, cutoffs.orphanUploads);
    if (Object.values(counts).some((n) => n > 0)) {
      this.logger.log({ purged: counts, ms: Date.now() - started }, 'retention run purged');
    }
    return counts;
  }

  private async purgeRows(runner: QueryRunner, purge: RowPurge, cutoff: Date): Promise<number> {
    const sql = batchSql(purge);
    let total = 0;
    while (!this.stopping) {
      const [{ n }] = await runner.manager.query<[{ n: number }]>(sql, [cutoff]);
      recordPurged(purge.kind, n);
      total += n;
      if (n < BATCH) break;
    }
    return total;
  }

  /**
   * Files of the media storage that are older than the age and that no row refers to: left by
   * a crash between writing a file and committing its row, by a deleted user's profile picture
   * (the row goes by cascade, nothing releases its file), or by an interrupted upload.
   */
  private async purgeOrphanUploads(runner: QueryRunner, cutoff: Date): Promise<number> {
    let total = 0;
    for await (const batch of oldMediaFiles(this.mediaDir, cutoff, BATCH)) {
      if (this.stopping) break;
      const orphans =
        batch.keys.length === 0
          ? []
          : await runner.manager.query<Array<{ k: string }>>(UNREFERENCED_KEYS, [batch.keys]);
      for (const { k } of orphans) await this.storage.delete(k);
      for (const name of batch.temporary) await removeTemporaryFile(this.mediaDir, name);
      const n = orphans.length + batch.temporary.length;
      recordPurged('orphanUploads', n);
      total += n;
    }
    return total;
  }
}
