import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { type OutboxConsumer, OutboxDispatcher } from '@/outbox/outbox-dispatcher.js';
import type { OutboxEvent } from '@/outbox/outbox-event.entity.js';
import { WEBHOOK_EVENT_TYPES } from '@/outbox/outbox-event-types.js';

export interface WebhookDeliverJob {
  deliveryId: string;
}

/**
 * Turns a dispatched event into one delivery per enabled endpoint subscribed to its type, each
 * with its delivery job, in the dispatch transaction. `UNIQUE (event_id, endpoint_id)` keeps a
 * re-run from making a second delivery (and so a second `webhook-id`) for one endpoint.
 */
@Injectable()
export class WebhookFanoutConsumer implements OutboxConsumer, OnModuleInit {
  readonly name = 'webhooks';
  readonly eventTypes = WEBHOOK_EVENT_TYPES;

  constructor(
    private readonly dispatcher: OutboxDispatcher,
    private readonly jobs: JobQueue,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this);
  }

  async onOutboxEvent(event: OutboxEvent, manager: EntityManager): Promise<void> {
    const rows = await manager.query<Array<{ id: string }>>(
      `INSERT INTO webhook_deliveries (event_id, endpoint_id, event_type)
       SELECT $1, e.id, $2::varchar FROM webhook_endpoints e
        WHERE e.enabled AND $2::text = ANY (e.event_types)
       ON CONFLICT (event_id, endpoint_id) DO NOTHING
       RETURNING id`,
      [event.id, event.type],
    );
    for (const { id } of rows) {
      await this.jobs.enqueue<WebhookDeliverJob>(
        QUEUES.webhookDeliver,
        { deliveryId: id },
        { manager, singletonKey: id },
      );
    }
  }
}
