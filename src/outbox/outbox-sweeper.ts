import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';

/** An event still undispatched this long after its commit has lost its job (or it failed). */
export const SWEEP_AFTER_SECONDS = 120;
const SWEEP_BATCH = 1000;

/**
 * The safety net: every minute (one instance, pg-boss cron), outbox events still undispatched
 * after {@link SWEEP_AFTER_SECONDS} get their dispatch job again: enqueued with the event's id
 * (nothing happens while the job exists), or put back from `failed`. It heals jobs lost to the
 * engine's retention or a reset `pgboss` schema, and dispatches that spent their retries.
 */
@Injectable()
export class OutboxSweeper implements OnApplicationBootstrap {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.schedule(QUEUES.outboxSweep, '* * * * *');
    await this.jobs.work(QUEUES.outboxSweep, () => this.sweep().then(() => undefined), {
      batchSize: 1,
      concurrency: 1,
    });
  }

  /** Re-enqueues stale undispatched events; how many it looked at. */
  async sweep(olderThanSeconds = SWEEP_AFTER_SECONDS): Promise<number> {
    const rows = await this.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM outbox_events
        WHERE dispatched_at IS NULL AND created_at < now() - make_interval(secs => $1)
        ORDER BY created_at LIMIT $2`,
      [olderThanSeconds, SWEEP_BATCH],
    );
    const ids = rows.map((row) => row.id);
    for (const id of ids) await this.jobs.enqueue(QUEUES.outboxDispatch, { eventId: id }, { id });
    await this.jobs.retryFailed(QUEUES.outboxDispatch, ids);
    return ids.length;
  }
}
