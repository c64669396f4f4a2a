import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { type Job, JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { MailComposer } from './mail-composer.js';
import { MAIL_TRANSPORT, type MailTransport } from './mail-transport.js';
import { recordMailFailed } from './mail.metrics.js';
import type { MailSendJob } from './mail-outbox.consumer.js';
import { MailService } from './mail.service.js';

/**
 * The `mail-send` jobs: compose (tokens are minted here, just before sending), render, send. A
 * failure (SMTP down, a timeout) fails the job, and the queue retries it with backoff (5 s
 * doubling, at most an hour apart: 13 attempts over 3.5 to 4.5 hours); then it is dead-lettered,
 * logged and counted (`email_send_failures_total{reason="dead"}`).
 *
 * Two emails at a time per instance, one after the other within a fetched batch: a burst of
 * order emails (a sale, a backlog after SMTP came back) takes at most two SMTP sessions and two
 * of the pool's connections (composing reads the account and mints tokens), never the pool the
 * requests need.
 */
@Injectable()
export class MailSendWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly jobs: JobQueue,
    private readonly composer: MailComposer,
    private readonly mail: MailService,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Said once, by the processes that send (workers on): not by the CLIs nor web-only replicas.
    if (
      this.jobs.workersEnabled &&
      this.transport.kind === 'file' &&
      this.config.nodeEnv === 'production'
    )
      this.logger.warn(
        `SMTP_URL is unset: emails (password resets, order confirmations) are written to ${this.config.mail.dir} and reach nobody`,
      );
    await this.jobs.work<MailSendJob>(QUEUES.mailSend, (job) => this.send(job), {
      batchSize: 5,
      concurrency: 2,
      sequential: true,
    });
    // Rare and quick: one poller (not JOBS_CONCURRENCY of them, each polling every interval).
    await this.jobs.work<MailSendJob>(
      QUEUES.mailSendDead,
      (job) => {
        recordMailFailed(job.data.template, 'dead');
        this.logger.error(
          { eventId: job.data.eventId, template: job.data.template },
          `gave up sending the ${job.data.template} email of event ${job.data.eventId}`,
        );
        return Promise.resolve();
      },
      { concurrency: 1 },
    );
  }

  async send(job: Job<MailSendJob>): Promise<void> {
    const composed = await this.composer.compose(job.data);
    if (!composed) return;
    try {
      await this.mail.send(composed, job.data.eventId);
    } catch (error) {
      this.logger.warn(
        { err: error, eventId: job.data.eventId, attempt: job.retryCount + 1 },
        `sending the ${composed.template} email failed: retried later`,
      );
      throw error;
    }
  }
}
