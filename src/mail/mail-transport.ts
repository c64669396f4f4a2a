import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { onFirstUse } from '@/common/on-first-use.js';

/** One email, ready to send. */
export interface MailMessage {
  from: string;
  to: { name: string; address: string };
  subject: string;
  text: string;
  html: string;
  /** `<…@host>`: the same on every retry of one email, so a receiving system can deduplicate. */
  messageId: string;
  headers?: Record<string, string>;
}

export const MAIL_TRANSPORT = Symbol('MAIL_TRANSPORT');

/**
 * nodemailer, imported with the first email rather than at start: ~40 modules and ~4 MB of heap
 * that an instance sending no email never needs.
 */
const loadNodemailer = onFirstUse(async () => (await import('nodemailer')).default);

/** Where emails go: an SMTP server, or files a developer reads (the file mailbox). */
export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  /** Resolves once the email is accepted (SMTP 250, or written); rejects otherwise. */
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * SMTP to `SMTP_URL` (`smtp://user:pass@host:587`, STARTTLS when offered; `smtps://` for TLS on
 * connect). nodemailer's default timeouts (2 min to connect, 10 min idle) are far longer than
 * a mail job may run, so a dead server fails fast and the job retries later.
 */
export class SmtpTransport implements MailTransport {
  readonly kind = 'smtp';
  /** Made on the first email (nodemailer is imported then). */
  private transporter: Transporter | undefined;

  constructor(private readonly url: string) {}

  async send(message: MailMessage): Promise<void> {
    if (!this.transporter) {
      const nodemailer = await loadNodemailer();
      this.transporter ??= nodemailer.createTransport({
        url: this.url,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 30_000,
      });
    }
    await this.transporter.sendMail(message);
  }

  close(): void {
    this.transporter?.close();
  }
}

/** A stored email's summary, as the demo's mailbox lists it. */
export interface StoredMailSummary {
  id: string;
  to: string;
  subject: string;
  sentAt: string;
}

export interface StoredMail extends StoredMailSummary {
  from: string;
  text: string;
  html: string;
}

const STORED_ID = /^[\w.-]{1,120}$/;

/**
 * SMTP_URL unset: each email is written to `dir` as `<time>-<id>.eml` (the exact message an SMTP
 * server would get; any mail client opens it) and `<time>-<id>.json` (what the demo page's
 * mailbox, /demo/mail, lists). So `npm start` with no mail server still lets a newcomer read
 * every email, and follow a password reset link.
 */
export class FileMailbox implements MailTransport {
  readonly kind = 'file';
  /** nodemailer's stream transport, which composes the `.eml`: made on the first email. */
  private stream: Transporter | undefined;

  constructor(readonly dir: string) {}

  async send(message: MailMessage): Promise<void> {
    if (!this.stream) {
      const nodemailer = await loadNodemailer();
      this.stream ??= nodemailer.createTransport({
        streamTransport: true,
        buffer: true,
        newline: 'unix',
      });
    }
    const info = await this.stream.sendMail(message);
    const sentAt = new Date();
    // Sortable by name, unique whatever the clock does.
    const id = `${sentAt.toISOString().replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
    const stored: StoredMail = {
      id,
      from: message.from,
      to: message.to.address,
      subject: message.subject,
      sentAt: sentAt.toISOString(),
      text: message.text,
      html: message.html,
    };
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, `${id}.eml`), info.message as Buffer);
    await writeFile(join(this.dir, `${id}.json`), JSON.stringify(stored, null, 2));
  }

  /** The newest `limit` emails first. */
  async list(limit = 100): Promise<StoredMailSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const newest = names
      .filter((name) => name.endsWith('.json'))
      .sort()
      .reverse()
      .slice(0, limit);
    const mails = await Promise.all(newest.map((name) => this.read(name.slice(0, -5))));
    return mails.flatMap((mail) =>
      mail ? [{ id: mail.id, to: mail.to, subject: mail.subject, sentAt: mail.sentAt }] : [],
    );
  }

  /** One stored email, or undefined (unknown id, or not an id at all: no path tricks). */
  async read(id: string): Promise<StoredMail | undefined> {
    if (!STORED_ID.test(id) || id.startsWith('.')) return undefined;
    try {
      return JSON.parse(await readFile(join(this.dir, `${id}.json`), 'utf8')) as StoredMail;
    } catch {
      return undefined;
    }
  }

  close(): void {
    this.stream?.close();
  }
}
