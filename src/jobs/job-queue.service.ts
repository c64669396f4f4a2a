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
import { JobEngineUnavailableError } from './jobs.errors.js';
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
  /**
   * Run a batch's jobs one after the other instead of all at once: for handlers that hold a
   * database connection throughout (a transaction), so a batch never takes more than one of the
   * pool the requests need.
   */
  sequential?: boolean;
}

/** What the engine says of a job that has not finished yet. */
export interface PendingJob {
  state: 'created' | 'retry' | 'active';
  /** When it runs (next attempt, for one in retry). */
  startAfter: Date;
  retryCount: number;
}

/** How often an instance that may not install the engine looks for it again. */
const INSTALL_RETRY_MS = 10_000;

/**
 * The job engine: pg-boss on the application's PostgreSQL, with a pool of its own. Every instance
 * can enqueue (in the caller's transaction when given a manager); only instances with
 * `JOBS_WORKERS` on run workers, cron schedules and supervision (expiry of a crashed instance's
 * jobs). Queues and their retry policies are declared in job-queues.ts.
 *
 * Lifecycle: started in `onModuleInit`, so queues exist before the server listens (an enqueue to
 * a missing queue would fail, and roll back, the caller's transaction). With
 * `MIGRATE_ON_START=false` on a database where `cli/migrate.js` has not installed the engine yet,
 * the instance starts anyway (unready while migrations are pending), enqueueing answers 503, and
 * the engine is looked for again every 10 s. On close, workers stop first (`onModuleDestroy`:
 * running jobs get half the shutdown grace, then fail and are retried later) while enqueueing
 * still works for requests in flight; the pool closes last.
 */
@Injectable()
export class JobQueue implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Jobs');
  private engine?: PgBoss;
  private startup?: Promise<void>;
  /** Workers and schedules asked for before the engine started. */
  private readonly onStart: Array<(boss: PgBoss) => Promise<unknown>> = [];
  private retry?: NodeJS.Timeout;
  private closing = false;

  constructor(@InjectConfig() private readonly config: AppConfig & { databaseUrl: string }) {}

  /** Whether this instance runs workers (`JOBS_WORKERS`). */
  get workersEnabled(): boolean {
    return this.config.jobs.workers;
  }

  async onModuleInit(): Promise<void> {
    await this.started();
  }

  /** Resolves once a start was tried (by whichever module asks first). */
  private started(): Promise<void> {
    this.startup ??= this.start();
    return this.startup;
  }

  private async start(): Promise<void> {
    const { jobs, migrateOnStart } = this.config;
    const boss = new PgBoss({
      connectionString: this.config.databaseUrl,
      schema: jobs.schema,
      max: jobs.poolSize,
      application_name: 'shop-api jobs',
      // Installs or upgrades the engine's schema under pg-boss's own advisory lock. Without DDL
      // rights (MIGRATE_ON_START=false) `cli/migrate.js` installs it.
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
      if (migrateOnStart || !/not installed/i.test(String((error as Error)?.message))) throw error;
      await boss.stop({ graceful: false }).catch(() => undefined);
      this.logger.warn(
        `the job engine is not installed in schema ${jobs.schema} and MIGRATE_ON_START=false: ` +
          'run `node dist/src/cli/migrate.js`; until then enqueueing answers 503 (looking again every 10 s)',
      );
      this.retry = setTimeout(() => {
        if (!this.closing)
          this.start().catch((err: unknown) =>
            this.logger.error({ err }, 'job engine start failed'),
          );
      }, INSTALL_RETRY_MS);
      this.retry.unref();
      return;
    }
    for (const { name, policy, ...options } of jobQueues(this.config)) {
      await boss.createQueue(name, { policy, ...options });
      // createQueue keeps an existing queue as it is: apply changed settings (WEBHOOK_*) too.
      await boss.updateQueue(name, options);
    }
    this.engine = boss;
    for (const register of this.onStart.splice(0)) await register(boss);
  }

  /** Runs `register` now if the engine runs, else as soon as it starts. */
  private async whenStarted(register: (boss: PgBoss) => Promise<unknown>): Promise<void> {
    if (this.engine) await register(this.engine);
    else this.onStart.push(register);
  }

  /** The running engine, or a 503 while it is not installed. */
  private async running(): Promise<PgBoss> {
    await this.started();
    if (!this.engine) throw new JobEngineUnavailableError();
    return this.engine;
  }

  /** Adds a job; its id, or `null` when `id`/`singletonKey` says it is there already. */
  async enqueue<T extends object>(
    queue: QueueName,
    data: T,
    options: EnqueueOptions = {},
  ): Promise<string | null> {
    const boss = await this.running();
    return boss.send(queue, data, {
      id: options.id,
      singletonKey: options.singletonKey,
      startAfter: options.startAfter,
      db: options.manager ? typeormExecutor(options.manager) : undefined,
    });
  }

  /**
   * Runs `handler` for each job of `queue` (only where `JOBS_WORKERS` is on; from the engine's
   * start if it has not started yet). A handler that throws fails its job, which is retried by
   * the queue's policy; the others of its batch are settled on their own. `job.signal` aborts
   * when the job expires or the instance stops.
   */
  async work<T extends object>(
    queue: QueueName,
    handler: (job: Job<T>) => Promise<void>,
    options: WorkOptions = {},
  ): Promise<void> {
    if (!this.workersEnabled) return;
    const batchSize = options.batchSize ?? 5;
    await this.whenStarted((boss) =>
      boss.work(
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
          const settled = options.sequential
            ? await settleInTurn(batch, handler)
            : await Promise.allSettled(batch.map((job) => handler(job)));
          return settled.map((result, i) => {
            const id = batch[i].id;
            if (result.status === 'fulfilled') return { id, status: 'completed' };
            const message = (result.reason as Error)?.message ?? String(result.reason);
            this.logger.debug(`job ${queue} ${id} failed: ${message}`);
            return { id, status: 'failed', output: { message } };
          });
        },
      ),
    );
  }

  /** A cron schedule (exactly one job per occurrence across instances); only where workers run. */
  async schedule(queue: QueueName, cron: string): Promise<void> {
    if (!this.workersEnabled) return;
    await this.whenStarted((boss) => boss.schedule(queue, cron));
  }

  /** Puts failed jobs back in the queue (a new attempt at once); the others are left alone. */
  async retryFailed(queue: QueueName, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await (await this.running()).retry(queue, ids);
  }

  /** The unfinished job with this singleton key, if any (for "next attempt" in a delivery log). */
  async pendingJob(queue: QueueName, singletonKey: string): Promise<PendingJob | undefined> {
    await this.started();
    if (!this.engine) return undefined;
    const jobs = await this.engine.findJobs(queue, { key: singletonKey });
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
    this.closing = true;
    clearTimeout(this.retry);
    await this.startup?.catch(() => undefined);
    // Workers, cron and supervision stop; the pool stays open for requests still in flight.
    await this.engine?.stop({
      graceful: true,
      close: false,
      timeout: Math.max(1000, Math.floor(this.config.shutdownGraceMs / 2)),
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine?.stop({ close: true, graceful: false });
  }
}

/** `Promise.allSettled`, one job at a time. */
async function settleInTurn<T>(
  batch: Job<T>[],
  handler: (job: Job<T>) => Promise<void>,
): Promise<PromiseSettledResult<void>[]> {
  const settled: PromiseSettledResult<void>[] = [];
  for (const job of batch) {
    try {
      settled.push({ status: 'fulfilled', value: await handler(job) });
    } catch (reason) {
      settled.push({ status: 'rejected', reason });
    }
  }
  return settled;
}
