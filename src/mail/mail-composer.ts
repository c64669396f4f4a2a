import { Injectable } from '@nestjs/common';
import { EmailVerificationService } from '@/accounts/email-verification.service.js';
import { PasswordResetService } from '@/accounts/password-reset.service.js';
import { UsersService } from '@/accounts/users.service.js';
import { NotFoundError } from '@/common/domain-error.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { statusMessage } from '@/notifications/notification-messages.js';
import type { OrderStatus } from '@/orders/order-state-machine.js';
import type { MailOrder } from './mail-templates.js';
import type { MailSendJob } from './mail-outbox.consumer.js';
import type { OutgoingMail, Recipient } from './mail.service.js';

/** `3600` → `1 hour`, `172800` → `2 days`, `5400` → `90 minutes`. */
export function humanDuration(seconds: number): string {
  const units: Array<[string, number]> = [
    ['day', 86_400],
    ['hour', 3600],
    ['minute', 60],
    ['second', 1],
  ];
  for (const [name, size] of units) {
    if (seconds >= size && seconds % size === 0) {
      const n = seconds / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${seconds} seconds`;
}

const formatTime = (iso: string): string =>
  new Intl.DateTimeFormat('en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  }).format(new Date(iso)) + ' UTC';

/** The order part of an order event's payload (`data.order` of the webhook contract, v1). */
interface OrderPayload {
  order: MailOrder & { status: OrderStatus };
  customer?: { id: string | null; email?: string; name?: string };
}

const ORDER_FOOTER =
  'You get emails about your orders because email notifications are on in your profile.';

/**
 * Builds each email when it is sent (not when the event happened): the recipient's current name
 * and address, and, for links, a token minted now, valid from now. Null: nothing to send any
 * more (no account with that address, already verified, account gone).
 */
@Injectable()
export class MailComposer {
  constructor(
    private readonly users: UsersService,
    private readonly passwordReset: PasswordResetService,
    private readonly emailVerification: EmailVerificationService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async compose(job: MailSendJob): Promise<OutgoingMail | null> {
    const base = this.config.mail.publicUrl;
    const ttl = this.config.accountRecovery;
    switch (job.template) {
      case 'password-reset': {
        const issued = await this.passwordReset.issueToken(String(job.payload.email));
        if (!issued) return null;
        return {
          template: job.template,
          to: issued.user,
          data: {
            name: issued.user.name,
            resetUrl: `${base}/reset-password?token=${encodeURIComponent(issued.token)}`,
            expiresIn: humanDuration(ttl.passwordResetTtl),
          },
        };
      }
      case 'email-verification': {
        if (!job.userId) return null;
        const email = String(job.payload.email);
        const issued = await this.emailVerification.issueToken(job.userId, email);
        if (!issued) return null;
        return {
          template: job.template,
          to: issued.user,
          data: {
            name: issued.user.name,
            email: issued.user.email,
            verifyUrl: `${base}/verify-email?token=${encodeURIComponent(issued.token)}`,
            expiresIn: humanDuration(ttl.emailVerificationTtl),
          },
        };
      }
      case 'password-changed': {
        const user = await this.recipient(job.userId);
        if (!user) return null;
        return {
          template: job.template,
          to: user,
          data: {
            name: user.name,
            changedAt: formatTime(String(job.payload.changedAt)),
            forgotPasswordUrl: `${base}/reset-password`,
          },
        };
      }
      case 'order-confirmation':
      case 'order-status-changed':
        return this.composeOrderMail(job);
    }
  }

  private async composeOrderMail(job: MailSendJob): Promise<OutgoingMail | null> {
    const { order, customer } = job.payload as unknown as OrderPayload;
    // A guest's order (no account) carries its contact address.
    const to =
      (await this.recipient(job.userId)) ??
      (customer?.email ? { email: customer.email, name: customer.name ?? '' } : null);
    if (!to) return null;
    const orderUrl = `${this.config.mail.publicUrl}/orders/${order.id}`;
    const name = to.name || 'there';
    if (job.template === 'order-confirmation')
      return {
        template: 'order-confirmation',
        to,
        data: { name, order, orderUrl },
        footer: job.userId ? ORDER_FOOTER : undefined,
      };
    const { title, message } = statusMessage(order.number, order.status);
    return {
      template: 'order-status-changed',
      to,
      data: { name, title, message, orderUrl },
      footer: job.userId ? ORDER_FOOTER : undefined,
    };
  }

  private async recipient(userId: string | null): Promise<Recipient | null> {
    if (!userId) return null;
    try {
      const user = await this.users.get(userId);
      return { email: user.email, name: user.name };
    } catch (error) {
      if (error instanceof NotFoundError) return null;
      throw error;
    }
  }
}
