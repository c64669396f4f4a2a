import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { type Job, JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import type { OutboxEventType } from '@/outbox/outbox-event-types.js';
import type { WebhookDeliverJob } from './webhook-fanout.consumer.js';
import { toEnvelope } from './webhook-envelope.js';
import { type AttemptOutcome, postWebhook } from './webhook-http.js';
import { signatureHeaders } from './webhook-signer.js';
import { deliveriesDead, endpointsDisabled, recordAttempt } from './webhooks.metrics.js';

/** What one attempt needs: the delivery, its endpoint and its event, read in one query. */
interface DeliveryContext {
  id: string;
  status: string;
  endpointId: string;
  url: string;
  enabled: boolean;
  secrets: string[];
  body: string;
}

/** How an attempt ended for the delivery and its endpoint. */
type Verdict = 'succeeded' | 'retry' | 'dead' | 'endpoint_disabled';

/**
 * The `webhook-deliver` worker: one signed POST per attempt, logged in
 * `webhook_delivery_attempts`. A failure throws, so pg-boss retries with backoff and jitter; the
 * last failure leaves the delivery `dead` (its job goes to the dead-letter queue). An endpoint
 * that answers `410 Gone`, or has failed without a success for `WEBHOOK_DISABLE_AFTER`, is
 * disabled with the reason, and its open deliveries are cancelled.
 */
@Injectable()
export class WebhookDeliveryWorker implements OnModuleInit {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectConfig() private readonly config: AppConfig,
    private readonly jobs: JobQueue,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.jobs.work<WebhookDeliverJob>(QUEUES.webhookDeliver, (job) => this.deliver(job));
    // Rare and quick: one poller is plenty.
    await this.jobs.work<WebhookDeliverJob>(
      QUEUES.webhookDeliverDead,
      (job) => this.markDead(job.data.deliveryId),
      { concurrency: 1 },
    );
  }

  async deliver(job: Job<WebhookDeliverJob>): Promise<void> {
    const delivery = await this.load(job.data.deliveryId);
    // Deleted (with its endpoint), finished, or cancelled meanwhile: nothing to send.
    if (!delivery || !['pending', 'retrying'].includes(delivery.status)) return;
    if (!delivery.enabled) {
      await this.dataSource.query(
        `UPDATE webhook_deliveries SET status = 'cancelled' WHERE id = $1 AND status IN ('pending', 'retrying')`,
        [delivery.id],
      );
      return;
    }
    const startedAt = new Date();
    const outcome = await postWebhook(
      delivery.url,
      delivery.body,
      { ...signatureHeaders(delivery.id, delivery.body, delivery.secrets, startedAt) },
      {
        timeoutMs: this.config.webhooks.timeoutSeconds * 1000,
        allowPrivate: this.config.webhooks.allowPrivateTargets,
        signal: job.signal,
      },
    );
    recordAttempt(outcome.result, outcome.durationMs);
    const lastAttempt = job.retryCount >= this.config.webhooks.maxAttempts - 1;
    const verdict = await this.dataSource.transaction((manager) =>
      this.record(manager, delivery, outcome, startedAt, lastAttempt),
    );
    if (verdict === 'retry' || verdict === 'dead')
      throw new Error(`webhook ${delivery.id} to ${delivery.url}: ${outcome.error ?? 'failed'}`);
  }

  private async load(deliveryId: string): Promise<DeliveryContext | undefined> {
    const [row] = await this.dataSource.query<
      Array<{
        id: string;
        status: string;
        endpoint_id: string;
        url: string;
        enabled: boolean;
        secret: string;
        previous_secret: string | null;
        previous_valid: boolean;
        event_id: string;
        type: OutboxEventType;
        version: number;
        payload: Record<string, unknown>;
        created_at: Date;
      }>
    >(
      `SELECT d.id, d.status, d.endpoint_id, e.url, e.enabled, e.secret, e.previous_secret,
              coalesce(e.previous_secret_expires_at > now(), false) AS previous_valid,
              ev.id AS event_id, ev.type, ev.version, ev.payload, ev.created_at
         FROM webhook_deliveries d
         JOIN webhook_endpoints e ON e.id = d.endpoint_id
         JOIN outbox_events ev ON ev.id = d.event_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (!row) return undefined;
    const secrets = [row.secret];
    if (row.previous_secret && row.previous_valid) secrets.push(row.previous_secret);
    return {
      id: row.id,
      status: row.status,
      endpointId: row.endpoint_id,
      url: row.url,
      enabled: row.enabled,
      secrets,
      // Serialized once per attempt and sent byte for byte as signed.
      body: JSON.stringify(
        toEnvelope({
          id: row.event_id,
          type: row.type,
          version: row.version,
          createdAt: row.created_at,
          payload: row.payload,
        }),
      ),
    };
  }

  /** Logs the attempt and moves the delivery (and maybe its endpoint) on, in one transaction. */
  private async record(
    manager: EntityManager,
    delivery: DeliveryContext,
    outcome: AttemptOutcome,
    startedAt: Date,
    lastAttempt: boolean,
  ): Promise<Verdict> {
    let verdict: Verdict =
      outcome.result === 'success' ? 'succeeded' : lastAttempt ? 'dead' : 'retry';
    if (outcome.result === 'success') {
      await manager.query(
        `UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`,
        [delivery.endpointId],
      );
    } else if (outcome.statusCode === 410) {
      await this.disable(manager, delivery.endpointId, 'receiver answered 410 Gone', 'gone');
      verdict = 'endpoint_disabled';
    } else if (await this.failingTooLong(manager, delivery.endpointId, outcome)) {
      verdict = 'endpoint_disabled';
    }
    const [current] = await manager.query<Array<{ status: string }>>(
      `SELECT status FROM webhook_deliveries WHERE id = $1 FOR UPDATE`,
      [delivery.id],
    );
    if (!current) return 'endpoint_disabled'; // deleted with its endpoint while we were sending
    // Cancelled meanwhile (endpoint disabled by an admin): a failure is not retried.
    if (current.status === 'cancelled' && verdict !== 'succeeded') verdict = 'endpoint_disabled';
    const status = {
      succeeded: 'succeeded',
      retry: 'retrying',
      dead: 'dead',
      endpoint_disabled: 'cancelled',
    }[verdict];
    // TypeORM answers `[rows, rowCount]` for an UPDATE.
    const [[updated]] = await manager.query<[Array<{ attempts: number }>, number]>(
      `UPDATE webhook_deliveries
          SET attempts = attempts + 1, last_attempt_at = $2, last_status_code = $3,
              last_error = $4, status = $5::varchar,
              succeeded_at = CASE WHEN $5::varchar = 'succeeded' THEN now() ELSE succeeded_at END
        WHERE id = $1
        RETURNING attempts`,
      [delivery.id, startedAt, outcome.statusCode ?? null, outcome.error ?? null, status],
    );
    await manager.query(
      `INSERT INTO webhook_delivery_attempts
         (delivery_id, attempt, started_at, duration_ms, result, status_code, error, response_body)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        delivery.id,
        updated.attempts,
        startedAt,
        outcome.durationMs,
        outcome.result,
        outcome.statusCode ?? null,
        outcome.error ?? null,
        outcome.responseBody ?? null,
      ],
    );
    if (verdict === 'dead') deliveriesDead.inc();
    return verdict;
  }

  /**
   * Counts a failure into the endpoint's streak; past `WEBHOOK_DISABLE_AFTER` without a success
   * the endpoint is disabled, saying since when it failed and how.
   */
  private async failingTooLong(
    manager: EntityManager,
    endpointId: string,
    outcome: AttemptOutcome,
  ): Promise<boolean> {
    const [[row]] = await manager.query<[Array<{ failing_since: Date; seconds: number }>, number]>(
      `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now())
        WHERE id = $1 AND enabled
        RETURNING failing_since, extract(epoch FROM now() - failing_since)::float8 AS seconds`,
      [endpointId],
    );
    if (!row || row.seconds < this.config.webhooks.disableAfterSeconds) return false;
    const days = (row.seconds / 86_400).toFixed(1);
    const reason = `failing since ${row.failing_since.toISOString()} (${days} days): last error ${outcome.error ?? outcome.result}`;
    await this.disable(manager, endpointId, reason.slice(0, 500), 'failing');
    return true;
  }

  private async disable(
    manager: EntityManager,
    endpointId: string,
    reason: string,
    metric: 'failing' | 'gone',
  ): Promise<void> {
    const [, disabled] = await manager.query<[unknown[], number]>(
      `UPDATE webhook_endpoints
          SET enabled = false, disabled_at = now(), disabled_reason = $2, updated_at = now()
        WHERE id = $1 AND enabled
        RETURNING id`,
      [endpointId, reason],
    );
    await manager.query(
      `UPDATE webhook_deliveries SET status = 'cancelled'
        WHERE endpoint_id = $1 AND status IN ('pending', 'retrying')`,
      [endpointId],
    );
    if (disabled > 0) {
      endpointsDisabled.inc({ reason: metric });
      this.logger.warn(`webhook endpoint ${endpointId} disabled: ${reason}`);
    }
  }

  /** The dead-letter worker: a delivery whose last attempt was cut short still ends `dead`. */
  private async markDead(deliveryId: string): Promise<void> {
    const [, dead] = await this.dataSource.query<[unknown[], number]>(
      `UPDATE webhook_deliveries SET status = 'dead'
        WHERE id = $1 AND status IN ('pending', 'retrying') RETURNING id`,
      [deliveryId],
    );
    if (dead > 0) deliveriesDead.inc();
  }
}
