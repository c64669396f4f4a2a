import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { type Job, JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { MailComposer } from './mail-composer.js';
import { recordMailFailed } from './mail.metrics.js';
import type { MailSendJob } from './mail-outbox.consumer.js';
import { MailService } from './mail.service.js';

/**
 * The `mail-send` jobs: compose (tokens are minted here, just before sending), render, send. A
 * failure (SMTP down, a timeout) fails the job, and the queue retries it with backoff (5 s
 * doubling, at most an hour apart: 13 attempts over 3.5 to 4.5 hours); then it is dead-lettered,
 * logged and counted (`email_send_failures_total{reason="dead"}`).
 */
@Injectable()
export class MailSendWorker implements OnApplicationBootstrap {
  private readonly logger = new Logger('Mail');

  constructor(
    private readonly jobs: JobQueue,
    private readonly composer: MailComposer,
    private readonly mail: MailService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.work<MailSendJob>(QUEUES.mailSend, (job) => this.send(job));
    await this.jobs.work<MailSendJob>(QUEUES.mailSendDead, (job) => {
      recordMailFailed(job.data.template, 'dead');
      this.logger.error(
        { eventId: job.data.eventId, template: job.data.template },
        `gave up sending the ${job.data.template} email of event ${job.data.eventId}`,
      );
      return Promise.resolve();
    });
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
