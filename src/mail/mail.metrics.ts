import { Counter } from 'prom-client';
import { metricsRegistry } from '@/observability/metrics.js';
import type { MailTemplate } from './mail-templates.js';

const attempts = new Counter({
  name: 'email_send_attempts_total',
  help: 'Emails handed to the transport (SMTP or the file mailbox), by template and result',
  labelNames: ['template', 'result'] as const,
  registers: [metricsRegistry],
});

const failures = new Counter({
  name: 'email_send_failures_total',
  help: 'Emails not sent: smtp (retried later), render (a template error), dead (gave up)',
  labelNames: ['template', 'reason'] as const,
  registers: [metricsRegistry],
});

export const recordMailSent = (template: MailTemplate): void =>
  attempts.inc({ template, result: 'sent' });

export const recordMailFailed = (
  template: MailTemplate,
  reason: 'smtp' | 'render' | 'dead',
): void => {
  if (reason !== 'dead') attempts.inc({ template, result: 'failed' });
  failures.inc({ template, reason });
};
