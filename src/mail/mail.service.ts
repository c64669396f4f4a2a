import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { recordMailFailed, recordMailSent } from './mail.metrics.js';
import {
  type CommonData,
  type MailContent,
  MailTemplates,
  type RenderedMail,
} from './mail-templates.js';
import { MAIL_TRANSPORT, type MailTransport } from './mail-transport.js';

export interface Recipient {
  email: string;
  name: string;
}

/** An email to send: its template and data, who gets it, and a note for its footer. */
export type OutgoingMail = MailContent & { to: Recipient; footer?: string };

/** The display name of `Shop <no-reply@shop.example>`, else "Shop". */
export const shopNameOf = (from: string): string =>
  /^\s*"?([^"<]*?)"?\s*</.exec(from)?.[1]?.trim() || 'Shop';

const domainOf = (from: string): string => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost';

/**
 * Renders an email from its templates and hands it to the transport (SMTP, or the file mailbox).
 * A failure throws: the mail job retries it later.
 */
@Injectable()
export class MailService implements OnApplicationShutdown {
  private readonly shopName: string;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(MAIL_TRANSPORT) private readonly transport: MailTransport,
    private readonly templates: MailTemplates,
  ) {
    this.shopName = shopNameOf(config.mail.from);
  }

  /**
   * Sends `mail`. `key` (an outbox event id) makes the Message-ID: the same on every retry of one
   * email, so a mail system that saw it already can drop the copy.
   */
  async send(mail: OutgoingMail, key: string): Promise<void> {
    const common: CommonData = {
      shopName: this.shopName,
      publicUrl: this.config.mail.publicUrl,
      footer: mail.footer,
    };
    let rendered: RenderedMail;
    try {
      rendered = this.templates.render(mail, common);
    } catch (error) {
      recordMailFailed(mail.template, 'render');
      throw error;
    }
    try {
      await this.transport.send({
        from: this.config.mail.from,
        to: { name: mail.to.name, address: mail.to.email },
        ...rendered,
        messageId: `<${key}.${mail.template}@${domainOf(this.config.mail.from)}>`,
        headers: { 'X-Shop-Email': mail.template },
      });
    } catch (error) {
      recordMailFailed(mail.template, 'smtp');
      throw error;
    }
    recordMailSent(mail.template);
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }
}
