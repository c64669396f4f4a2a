import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { found } from '@/common/domain-error.js';
import { type Page, pageOf, resolvePage } from '@/common/pagination.js';
import { JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import type {
  ListWebhookDeliveriesQueryDto,
  WebhookDeliveryAttemptDto,
  WebhookDeliveryDto,
} from './dto/webhook-delivery.dto.js';
import { WebhookDeliveryAttempt } from './webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from './webhook-delivery.entity.js';
import { WebhookEndpoint } from './webhook-endpoint.entity.js';
import type { WebhookDeliverJob } from './webhook-fanout.consumer.js';
import { webhookId } from './webhook-signer.js';
import { WebhookEndpointDisabledError } from './webhooks.errors.js';

/** Attempts shown with each delivery in a list. */
const ATTEMPT_LOG = 5;

/** The delivery log of an endpoint, and redelivery. */
@Injectable()
export class WebhookDeliveriesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
  ) {}

  /** Newest first, each with its last attempts and, while open, when the next one is due. */
  async list(
    endpointId: string,
    query: ListWebhookDeliveriesQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    await this.endpoint(endpointId);
    const { page, pageSize, offset } = resolvePage(query);
    const [deliveries, total] = await this.dataSource.manager.findAndCount(WebhookDelivery, {
      where: { endpointId, ...(query.status ? { status: query.status } : {}) },
      order: { createdAt: 'DESC', id: 'DESC' },
      skip: offset,
      take: pageSize,
    });
    const attempts = await this.attemptLogs(deliveries.map((d) => d.id));
    const items = await Promise.all(
      deliveries.map(async (delivery) => ({
        ...toDeliveryDto(delivery, attempts.get(delivery.id) ?? []),
        nextAttemptAt: await this.nextAttemptAt(delivery),
      })),
    );
    return pageOf(items, total, page, pageSize);
  }

  /**
   * Sends a delivery again, with the same `webhook-id` (receivers that processed it dedupe): a
   * dead, cancelled or succeeded one is reopened. While a job for it is queued or running, no
   * second one is made (the queue is `exclusive` per delivery), so repeating the call is harmless.
   */
  async redeliver(endpointId: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.endpoint(endpointId);
    if (!endpoint.enabled) throw new WebhookEndpointDisabledError();
    const delivery = await this.dataSource.transaction(async (manager) => {
      const row = found(
        await manager.findOne(WebhookDelivery, {
          where: { id: deliveryId, endpointId },
          lock: { mode: 'pessimistic_write' },
        }),
        'Webhook delivery',
      );
      if (row.status !== 'pending' && row.status !== 'retrying') {
        row.status = 'pending';
        await manager.update(WebhookDelivery, { id: row.id }, { status: 'pending' });
      }
      await this.jobs.enqueue<WebhookDeliverJob>(
        QUEUES.webhookDeliver,
        { deliveryId: row.id },
        { manager, singletonKey: row.id },
      );
      return row;
    });
    const attempts = await this.attemptLogs([delivery.id]);
    return {
      ...toDeliveryDto(delivery, attempts.get(delivery.id) ?? []),
      nextAttemptAt: await this.nextAttemptAt(delivery),
    };
  }

  private async endpoint(id: string): Promise<WebhookEndpoint> {
    return found(
      await this.dataSource.manager.findOneBy(WebhookEndpoint, { id }),
      'Webhook endpoint',
    );
  }

  private async nextAttemptAt(delivery: WebhookDelivery): Promise<string | null> {
    if (delivery.status !== 'pending' && delivery.status !== 'retrying') return null;
    const job = await this.jobs.pendingJob(QUEUES.webhookDeliver, delivery.id);
    return job && job.state !== 'active' ? job.startAfter.toISOString() : null;
  }

  private async attemptLogs(ids: string[]): Promise<Map<string, WebhookDeliveryAttemptDto[]>> {
    const logs = new Map<string, WebhookDeliveryAttemptDto[]>();
    if (ids.length === 0) return logs;
    const attempts = await this.dataSource.manager.find(WebhookDeliveryAttempt, {
      where: { deliveryId: In(ids) },
      order: { deliveryId: 'ASC', attempt: 'DESC' },
    });
    for (const attempt of attempts) {
      const log = logs.get(attempt.deliveryId) ?? [];
      if (log.length < ATTEMPT_LOG) log.push(toAttemptDto(attempt));
      logs.set(attempt.deliveryId, log);
    }
    return logs;
  }
}

function toAttemptDto(attempt: WebhookDeliveryAttempt): WebhookDeliveryAttemptDto {
  return {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt.toISOString(),
    durationMs: attempt.durationMs,
    result: attempt.result,
    statusCode: attempt.statusCode,
    error: attempt.error,
    responseBody: attempt.responseBody,
  };
}

function toDeliveryDto(
  delivery: WebhookDelivery,
  attemptLog: WebhookDeliveryAttemptDto[],
): Omit<WebhookDeliveryDto, 'nextAttemptAt'> {
  return {
    id: delivery.id,
    webhookId: webhookId(delivery.id),
    eventId: delivery.eventId,
    eventType: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    lastStatusCode: delivery.lastStatusCode,
    lastError: delivery.lastError,
    lastAttemptAt: delivery.lastAttemptAt?.toISOString() ?? null,
    succeededAt: delivery.succeededAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
    attemptLog,
  };
}
