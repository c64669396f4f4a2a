import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { OUTBOX_EVENT_TYPES, type OutboxEventType } from './outbox-event-types.js';

export interface OutboxEventInput {
  type: OutboxEventType;
  /** Payload schema version; default: the catalog's current one for `type`. */
  version?: number;
  aggregateType: 'order' | 'user';
  aggregateId: string;
  /** The customer concerned (mail recipient), if any. */
  userId?: string | null;
  /** JSON, frozen now: what consumers get. Never a secret (no raw tokens: they would rest here). */
  payload: Record<string, unknown>;
}

/**
 * Records events in the caller's transaction: the outbox row and its dispatch job commit with the
 * change, or neither exists. Dispatch happens later, on any instance with workers.
 */
@Injectable()
export class OutboxService {
  constructor(private readonly jobs: JobQueue) {}

  /** Records `input` in the transaction of `manager`; answers the event's id (stable: dedupe on it). */
  async record(manager: EntityManager, input: OutboxEventInput): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive)
      throw new Error(`outbox event ${input.type} must be recorded inside a transaction`);
    const id = randomUUID();
    await manager.query(
      `INSERT INTO outbox_events (id, type, version, aggregate_type, aggregate_id, user_id, payload)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        input.type,
        input.version ?? OUTBOX_EVENT_TYPES[input.type].version,
        input.aggregateType,
        input.aggregateId,
        input.userId ?? null,
        JSON.stringify(input.payload),
      ],
    );
    // The job's id is the event's: enqueueing it again (the sweeper) is a no-op while it exists.
    await this.jobs.enqueue(QUEUES.outboxDispatch, { eventId: id }, { manager, id });
    return id;
  }
}
