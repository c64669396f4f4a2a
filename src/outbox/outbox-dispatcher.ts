import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { type Job, JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { OutboxEvent } from './outbox-event.entity.js';
import type { OutboxEventType } from './outbox-event-types.js';

/**
 * Something that acts on dispatched outbox events (webhook fan-out, email). Register it with
 * {@link OutboxDispatcher.register} in `onModuleInit`.
 */
export interface OutboxConsumer {
  /** For logs. */
  readonly name: string;
  /** The event types it wants; it is never called with others. */
  readonly eventTypes: readonly OutboxEventType[];
  /**
   * Runs inside the dispatch transaction, which also marks the event dispatched: write rows and
   * enqueue jobs through `manager` only, and do no network I/O here (enqueue a job for that).
   * Throwing rolls the whole dispatch back; it is retried later, every consumer again, so a
   * consumer must be idempotent per event id.
   */
  onOutboxEvent(event: OutboxEvent, manager: EntityManager): Promise<void>;
}

export interface OutboxDispatchJob {
  eventId: string;
}

/**
 * Hands each outbox event to the consumers that want it, once: the `outbox-dispatch` job marks
 * the event dispatched (which locks its row), unless it already was (a job re-run after a
 * crash), and runs the consumers, all in one transaction.
 */
@Injectable()
export class OutboxDispatcher implements OnApplicationBootstrap {
  private readonly logger = new Logger('OutboxDispatcher');
  private readonly consumers: OutboxConsumer[] = [];
  private started = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  register(consumer: OutboxConsumer): void {
    if (this.started) throw new Error(`outbox consumer ${consumer.name} registered too late`);
    this.consumers.push(consumer);
  }

  /** After every module's `onModuleInit`: no event is dispatched before all consumers registered. */
  async onApplicationBootstrap(): Promise<void> {
    this.started = true;
    await this.jobs.work<OutboxDispatchJob>(QUEUES.outboxDispatch, (job) => this.dispatch(job), {
      // Each dispatch is a transaction: two at a time, so requests keep the rest of the pool.
      batchSize: 10,
      concurrency: 2,
      sequential: true,
    });
  }

  /** Dispatches one event: claimed (row locked, marked dispatched) in the consumers' transaction. */
  private async dispatch(job: Job<OutboxDispatchJob>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // One statement locks, checks and marks: an event already dispatched (a job re-run after a
      // crash) matches nothing. A consumer's failure rolls the mark back with everything else.
      const [[row]] = await manager.query<[OutboxEventRow[], number]>(
        `UPDATE outbox_events SET dispatched_at = now()
          WHERE id = $1 AND dispatched_at IS NULL
          RETURNING id, type, version, aggregate_type, aggregate_id, user_id, payload,
                    created_at, dispatched_at`,
        [job.data.eventId],
      );
      if (!row) return;
      const event = toOutboxEvent(row);
      for (const consumer of this.consumers) {
        if (!consumer.eventTypes.includes(event.type)) continue;
        try {
          await consumer.onOutboxEvent(event, manager);
        } catch (error) {
          this.logger.warn(
            { err: error },
            `outbox consumer ${consumer.name} failed on ${event.type} ${event.id}: retried later`,
          );
          throw error;
        }
      }
    });
  }
}

interface OutboxEventRow {
  id: string;
  type: OutboxEvent['type'];
  version: number;
  aggregate_type: OutboxEvent['aggregateType'];
  aggregate_id: string;
  user_id: string | null;
  payload: Record<string, unknown>;
  created_at: Date;
  dispatched_at: Date;
}

const toOutboxEvent = (row: OutboxEventRow): OutboxEvent =>
  Object.assign(new OutboxEvent(), {
    id: row.id,
    type: row.type,
    version: row.version,
    aggregateType: row.aggregate_type,
    aggregateId: row.aggregate_id,
    userId: row.user_id,
    payload: row.payload,
    createdAt: row.created_at,
    dispatchedAt: row.dispatched_at,
  });
