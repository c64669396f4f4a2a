import type { Queue } from 'pg-boss';
import type { AppConfig } from '@/config/app-config.js';

/** Every queue of the job engine. Jobs go only to these (pg-boss refuses an unknown queue). */
export const QUEUES = {
  /** One job per outbox event (job id = event id): hands the event to the outbox consumers. */
  outboxDispatch: 'outbox-dispatch',
  /** Cron, every minute on one instance: re-enqueues outbox events whose dispatch job was lost. */
  outboxSweep: 'outbox-sweep',
  /** One job per webhook delivery (singleton key = delivery id): one signed POST per attempt. */
  webhookDeliver: 'webhook-deliver',
  /** Deliveries that spent every attempt. */
  webhookDeliverDead: 'webhook-deliver-dead',
  /** One job per email to send (src/mail). */
  mailSend: 'mail-send',
  /** Emails that spent every attempt. */
  mailSendDead: 'mail-send-dead',
  /** Cron, every minute on one instance: cancels unpaid orders past their timeout (src/payments). */
  paymentTimeout: 'payment-timeout',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** A queue and its policy: the one place that says how each kind of job is retried and kept. */
export interface QueueDefinition extends Omit<Queue, 'name'> {
  name: QueueName;
}

/** Completed and failed jobs are kept a day: our own tables (outbox, delivery log) hold the history. */
const KEEP_FINISHED = 86_400;

/**
 * The queues, dead-letter queues first (a queue naming one needs it to exist). Retries back off
 * exponentially with "equal jitter": the k-th retry waits `retryDelay·2^(k−1)` to `retryDelay·2^k`
 * seconds, capped at `retryDelayMax` (pg-boss's formula, see retry-schedule.ts).
 */
export function jobQueues(config: AppConfig): QueueDefinition[] {
  const webhooks = config.webhooks;
  return [
    { name: QUEUES.webhookDeliverDead, deleteAfterSeconds: KEEP_FINISHED },
    { name: QUEUES.mailSendDead, deleteAfterSeconds: KEEP_FINISHED },
    {
      name: QUEUES.outboxDispatch,
      retryLimit: 10,
      retryDelay: 2,
      retryBackoff: true,
      retryDelayMax: 300,
      expireInSeconds: 60,
      deleteAfterSeconds: KEEP_FINISHED,
    },
    {
      name: QUEUES.outboxSweep,
      retryLimit: 0,
      expireInSeconds: 60,
      deleteAfterSeconds: 3600,
    },
    {
      name: QUEUES.webhookDeliver,
      // One queued-or-active job per delivery (retries included): a redelivery never races a retry.
      policy: 'exclusive',
      retryLimit: webhooks.maxAttempts - 1,
      retryDelay: webhooks.retryBaseSeconds,
      retryBackoff: true,
      retryDelayMax: webhooks.retryMaxDelaySeconds,
      // Longer than one attempt may take, so a job never expires while its request is in flight.
      expireInSeconds: webhooks.timeoutSeconds + 10,
      deleteAfterSeconds: KEEP_FINISHED,
      deadLetter: QUEUES.webhookDeliverDead,
    },
    {
      name: QUEUES.paymentTimeout,
      retryLimit: 0,
      expireInSeconds: 120,
      deleteAfterSeconds: 3600,
    },
    {
      name: QUEUES.mailSend,
      retryLimit: 12,
      retryDelay: 5,
      retryBackoff: true,
      retryDelayMax: 3600,
      expireInSeconds: 120,
      deleteAfterSeconds: KEEP_FINISHED,
      deadLetter: QUEUES.mailSendDead,
    },
  ];
}
