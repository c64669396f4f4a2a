import type { FastifyInstance } from 'fastify';
import { FileMailbox, type MailTransport } from './mail-transport.js';

/**
 * The file mailbox on the demo page: `GET /demo/mail/messages` (newest first) and
 * `GET /demo/mail/messages/:id`, read by public/demo/mail.html at /demo/mail. Registered only with
 * the file mailbox (SMTP_URL unset), DEMO_ENABLED, and outside production: every email, reset
 * links included, is readable there by anyone who reaches the server.
 */
export function registerDevMailbox(
  fastify: FastifyInstance,
  transport: MailTransport | undefined,
  options: { production: boolean; page: () => Promise<Buffer> },
): boolean {
  if (!(transport instanceof FileMailbox) || options.production) return false;
  const mailbox = transport;
  const noStore = { 'cache-control': 'no-store' };
  fastify.get('/demo/mail', async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .headers(noStore)
      .send(await options.page()),
  );
  fastify.get('/demo/mail/messages', async (_request, reply) =>
    reply.headers(noStore).send({ dir: mailbox.dir, items: await mailbox.list() }),
  );
  fastify.get<{ Params: { id: string } }>('/demo/mail/messages/:id', async (request, reply) => {
    const mail = await mailbox.read(request.params.id);
    if (mail) return reply.headers(noStore).send(mail);
    return reply.code(404).send({
      statusCode: 404,
      error: 'Not Found',
      message: 'No such email in the mailbox',
      code: 'NOT_FOUND',
      requestId: String(request.id),
    });
  });
  return true;
}
