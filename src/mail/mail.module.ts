import { Module } from '@nestjs/common';
import { AccountsModule } from '@/accounts/accounts.module.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { ProfilesModule } from '@/profiles/profiles.module.js';
import { MailComposer } from './mail-composer.js';
import { MailOutboxConsumer } from './mail-outbox.consumer.js';
import { MailSendWorker } from './mail-send.worker.js';
import { assertTemplatesPresent, bundledTemplatesDir, MailTemplates } from './mail-templates.js';
import {
  FileMailbox,
  MAIL_TRANSPORT,
  type MailTransport,
  SmtpTransport,
} from './mail-transport.js';
import { MailService } from './mail.service.js';

/** No warning here: the CLIs build this module too, and send nothing (see MailSendWorker). */
function createTransport(config: AppConfig): MailTransport {
  const { smtpUrl, dir } = config.mail;
  return smtpUrl ? new SmtpTransport(smtpUrl) : new FileMailbox(dir);
}

/**
 * Email: outbox events → mail-send jobs → templates → SMTP (`SMTP_URL`) or, unset, the file
 * mailbox in MAIL_DIR (listed by the demo page at /demo/mail). Reads accounts (tokens, names)
 * and profiles (notification preferences); nothing depends on it.
 */
@Module({
  imports: [AccountsModule, ProfilesModule],
  providers: [
    { provide: MAIL_TRANSPORT, inject: [APP_CONFIG], useFactory: createTransport },
    {
      provide: MailTemplates,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => {
        const dir = config.mail.templatesDir ?? bundledTemplatesDir();
        assertTemplatesPresent(dir);
        return new MailTemplates(dir, config.nodeEnv === 'production');
      },
    },
    MailService,
    MailComposer,
    MailOutboxConsumer,
    MailSendWorker,
  ],
  exports: [MAIL_TRANSPORT],
})
export class MailModule {}
