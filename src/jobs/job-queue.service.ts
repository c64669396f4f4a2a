import {
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { type JobResult, type JobWithMetadata, PgBoss } from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { jobQueues, type QueueName } from './job-queues.js';
import { typeormExecutor } from './typeorm-executor.js';

/** A job as a handler gets it: its data, `retryCount`, `retryLimit`, `signal`, … */
export type Job<T = object> = JobWithMetadata<T>;

export interface EnqueueOptions {
  /** Enqueue inside this transaction: the job exists only if it commits. */
  manager?: EntityManager;
  /** The job's id (a UUID). A job with this id already there: nothing is added, `null` is answered. */
  id?: string;
  /** On an `exclusive` queue, at most one queued-or-active job per key. */
  singletonKey?: string;
  /** Not before this moment. */
  startAfter?: Date;
}

export interface WorkOptions {
  /** Jobs fetched at once by one worker; a full batch makes it fetch again at once. Default 5. */
  batchSize?: number;
  /** Workers on this queue in this instance. Default `JOBS_CONCURRENCY`. */
  concurrency?: number;
}

/** What the engine says of a job that has not finished yet. */
export interface PendingJob {
  state: 'created' | 'retry' | 'active';
  /** When it runs (next attempt, for one in retry). */
  startAfter: Date;
  retryCount: number;
}

/**
 * The job engine: pg-boss on the application's PostgreSQL, with a pool of its own. Every instance
 * can enqueue (in the caller's transaction when given a manager); only instances with
 * `JOBS_WORKERS` on run workers, cron schedules and supervision (expiry of a crashed instance's
 * jobs). Queues and their retry policies are declared in job-queues.ts.
 *
 * Lifecycle: started in `onModuleInit`, so queues exist before the server listens (an enqueue to
 * a missing queue would fail, and roll back, the caller's transaction). On close, workers stop
 * first (`onModuleDestroy`: running jobs get half the shutdown grace, then fail and are retried
 * later) while enqueueing still works for requests in flight; the pool closes last.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private engine?: Promise<PgBoss>;

  constructor(@InjectConfig() private readonly config: AppConfig & { databaseUrl: string }) {}

  /** Whether this instance runs workers (`JOBS_WORKERS`). */
  get workersEnabled(): boolean {
    return this.config.jobs.workers;
  }

  async onModuleInit(): Promise<void> {
    await this.boss();
  }

  /** The started engine. Started once, by whichever module asks first. */
  private boss(): Promise<PgBoss> {
    this.engine ??= this.start();
    return this.engine;
  }

  private async start(): Promise<PgBoss> {
    const { jobs, migrateOnStart } = this.config;
    const boss = new PgBoss({
      connectionString: this.config.databaseUrl,
      schema: jobs.schema,
      max: jobs.poolSize,
      application_name: 'shop-api jobs',
      // Installs or upgrades schema `pgboss` under pg-boss's own advisory lock. Without DDL rights
      // (MIGRATE_ON_START=false) `cli/migrate.js` installs it.
      migrate: migrateOnStart,
      supervise: jobs.workers,
      schedule: jobs.workers,
      superviseIntervalSeconds: jobs.monitorIntervalSeconds,
      monitorIntervalSeconds: jobs.monitorIntervalSeconds,
    });
    boss.on('error', (err) => this.logger.error({ err }, 'job engine error'));
    boss.on('warning', (warning) =>
      this.logger.warn({ data: warning.data }, `job engine: ${warning.message}`),
    );
    try {
      await boss.start();
    } catch (error) {
      if (!migrateOnStart && /not installed/i.test(String((error as Error)?.message)))
        throw new Error(
          'the job engine (pg-boss) is not installed in this database and MIGRATE_ON_START=false: ' +
            'run `node dist/src/cli/migrate.js`',
          { cause: error },
        );
      throw error;
    }
    for (const { name, policy, ...options } of jobQueues(this.config)) {
      await boss.createQueue(name, { policy, ...options });
      // createQueue keeps an existing queue as it is: apply changed settings (WEBHOOK_*) too.
      await boss.updateQueue(name, options);
    }
    return boss;
  }

  /** Adds a job; its id, or `null` when `id`/`singletonKey` says it is there already. */
  async enqueue<T extends object>(
    queue: QueueName,
    data: T,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const boss = await this.boss();
    return boss.send(queue, data, {
      id: options.id,
      singletonKey: options.singletonKey,
      startAfter: options.startAfter,
      db: options.manager ? typeormExecutor(options.manager) : undefined,
    });
  }

  /**
   * Runs `handler` for each job of `queue` (only where `JOBS_WORKERS` is on). A handler that
   * throws fails its job, which is retried by the queue's policy; the others of its batch are
   * settled on their own. `job.signal` aborts when the job expires or the instance stops.
   */
  async work<T extends object>(
    queue: QueueName,
    handler: (job: Job<T>) => Promise<void>,
    options: WorkOptions = {},
  ): Promise<void> {
    if (!this.workersEnabled) return;
    const boss = await this.boss();
    const batchSize = options.batchSize ?? 5;
    await boss.work(
      queue,
      {
        batchSize,
        localConcurrency: options.concurrency ?? this.config.jobs.concurrency,
        pollingIntervalSeconds: this.config.jobs.pollIntervalSeconds,
        // A full batch means more is waiting: fetch again without waiting a polling interval.
        burstWhenBatchFull: batchSize > 1,
        perJobResults: true,
        includeMetadata: true,
      },
      async (batch: Job<T>[]): Promise<JobResult[]> => {
        const settled = await Promise.allSettled(batch.map((job) => handler(job)));
        return settled.map((result, i) => {
          const id = batch[i].id;
          if (result.status === 'fulfilled') return { id, status: 'completed' };
          const message = (result.reason as Error)?.message ?? String(result.reason);
          this.logger.debug(`job ${queue} ${id} failed: ${message}`);
          return { id, status: 'failed', output: { message } };
        });
      },
    );
  }

  /** A cron schedule (exactly one job per occurrence across instances); only where workers run. */
  async schedule(queue: QueueName, cron: string): Promise<void> {
    if (!this.workersEnabled) return;
    const boss = await this.boss();
    await boss.schedule(queue, cron);
  }

  /** Puts failed jobs back in the queue (a new attempt at once); the others are left alone. */
  async retryFailed(queue: QueueName, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    const boss = await this.boss();
    await boss.retry(queue, ids);
  }

  /** The unfinished job with this singleton key, if any (for "next attempt" in a delivery log). */
  async pendingJob(queue: QueueName, singletonKey: string): Promise<PendingJob | undefined> {
    const boss = await this.boss();
    const jobs = await boss.findJobs(queue, { key: singletonKey });
    const open = jobs.find((job) => ['created', 'retry', 'active'].includes(job.state));
    return open
      ? {
          state: open.state as PendingJob['state'],
          startAfter: new Date(open.startAfter),
          retryCount: open.retryCount,
        }
      : undefined;
  }

  async onModuleDestroy(): Promise<void> {
    if (!this.engine) return;
    const boss = await this.engine.catch(() => undefined);
    // Workers, cron and supervision stop; the pool stays open for requests still in flight.
    await boss?.stop({
      graceful: true,
      close: false,
      timeout: Math.max(1000, Math.floor(this.config.shutdownGraceMs / 2)),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.engine) return;
    const boss = await this.engine.catch(() => undefined);
    await boss?.stop({ close: true, graceful: false });
  }
}
