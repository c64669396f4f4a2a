import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/** An email the test SMTP server accepted, parsed. */
export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  html: string;
  messageId: string;
  headers: ParsedMail['headers'];
}

/**
 * A real SMTP server on 127.0.0.1 for a test (smtp-server, no auth, no TLS), keeping what it
 * receives. `stop()` then `start()` brings it back on the same port: an outage the app must ride.
 */
export class TestMailServer {
  readonly received: ReceivedMail[] = [];
  private server?: SMTPServer;
  private port = 0;

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<this> {
    const server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData: (stream, _session, callback) => {
        simpleParser(stream)
          .then((mail) => {
            this.received.push({
              to: [mail.to ?? []]
                .flat()
                .map((a) => a.text)
                .join(', '),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              html: typeof mail.html === 'string' ? mail.html : '',
              messageId: mail.messageId ?? '',
              headers: mail.headers,
            });
            callback();
          })
          .catch((error: Error) => callback(error));
      },
    });
    server.listen(this.port, '127.0.0.1');
    await once(server.server, 'listening');
    this.port = (server.server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The emails to `address` so far. */
  to(address: string): ReceivedMail[] {
    return this.received.filter((m) => m.to.toLowerCase().includes(address.toLowerCase()));
  }

  /** Waits for the `count`-th email to `address` matching `subject`, and answers it. */
  async waitFor(
    address: string,
    subject: RegExp = /./,
    { count = 1, timeoutMs = 20_000 } = {},
  ): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const matching = this.to(address).filter((m) => subject.test(m.subject));
      if (matching.length >= count) return matching[count - 1];
      if (Date.now() > deadline)
        throw new Error(
          `no email ${subject} to ${address} within ${timeoutMs} ms (got: ${this.to(address)
            .map((m) => m.subject)
            .join(' | ')})`,
        );
      await sleep(100);
    }
  }
}

/** The link to `path` in an email's text, with its token. */
export function linkIn(mail: ReceivedMail, path: string): { url: URL; token: string } {
  const match = new RegExp(`https?://\\S+${path}\\?token=[\\w%-]+`).exec(mail.text);
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  const url = new URL(match[0]);
  return { url, token: url.searchParams.get('token') ?? '' };
}
