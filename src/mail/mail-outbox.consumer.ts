import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JobQueue } from '@/jobs/job-queue.service.js';
import { QUEUES } from '@/jobs/job-queues.js';
import { type OutboxConsumer, OutboxDispatcher } from '@/outbox/outbox-dispatcher.js';
import type { OutboxEvent } from '@/outbox/outbox-event.entity.js';
import type { OutboxEventType } from '@/outbox/outbox-event-types.js';
import { NotificationPreferences } from '@/profiles/notification-preferences.provider.js';
import type { MailTemplate } from './mail-templates.js';

/** One email to send: built and sent by the mail-send worker. Never holds a token. */
export interface MailSendJob {
  /** The outbox event it tells of; with the template, the email's stable Message-ID. */
  eventId: string;
  template: MailTemplate;
  /** The account it goes to, when there is one. */
  userId: string | null;
  /** The event's payload (order snapshot, address asked for, …). */
  payload: Record<string, unknown>;
}

/** Which email each event sends, and whether it is an order email (those honour preferences). */
const TEMPLATE_OF: Partial<Record<OutboxEventType, { template: MailTemplate; order: boolean }>> = {
  'order.created': { template: 'order-confirmation', order: true },
  'order.status_changed': { template: 'order-status-changed', order: true },
  'account.password_reset_requested': { template: 'password-reset', order: false },
  'account.email_verification_requested': { template: 'email-verification', order: false },
  'account.password_changed': { template: 'password-changed', order: false },
};

/**
 * Decides, in the outbox dispatch transaction, which emails an event sends, and enqueues one
 * mail-send job each (in that transaction: dispatched and enqueued together, or neither).
 * Order emails go only to customers whose profile has email notifications on; account emails
 * (reset, verification, password changed) always go: they are about the account's safety.
 */
@Injectable()
export class MailOutboxConsumer implements OutboxConsumer, OnModuleInit {
  readonly name = 'mail';
  readonly eventTypes = Object.keys(TEMPLATE_OF) as OutboxEventType[];

  constructor(
    private readonly dispatcher: OutboxDispatcher,
    private readonly jobs: JobQueue,
    private readonly preferences: NotificationPreferences,
  ) {}

  onModuleInit(): void {
    this.dispatcher.register(this);
  }

  async onOutboxEvent(event: OutboxEvent, manager: EntityManager): Promise<void> {
    const mail = TEMPLATE_OF[event.type];
    if (!mail) return;
    if (mail.order && event.userId) {
      if (!(await this.preferences.wantsOrderEmails(event.userId, manager))) return;
    }
    const job: MailSendJob = {
      eventId: event.id,
      template: mail.template,
      userId: event.userId,
      payload: event.payload,
    };
    await this.jobs.enqueue(QUEUES.mailSend, job, { manager });
  }
}
