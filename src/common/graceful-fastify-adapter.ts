import { type Server, STATUS_CODES } from 'node:http';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { FastifyServerOptions } from 'fastify';
import { installEarlyHooks } from './early-hooks.js';
import type { ErrorBody } from './error-response.js';

/** How often a closing server closes the keep-alive connections that fell idle. */
const IDLE_SWEEP_MS = 250;

/**
 * The Fastify adapter, closing gracefully behind keep-alive clients (load balancers, browsers).
 *
 * `app.close()` closes Socket.IO first, which waits for the HTTP server's close, which waits for
 * every connection to end: a keep-alive connection whose request was in flight when closing began
 * stays open, idle, until its keep-alive timeout (72 s), and a process stopping on SIGTERM is
 * killed by its grace timer instead of exiting 0. So, from the moment closing begins
 * (`beforeClose`, before any shutdown hook):
 * - a request that arrives is refused with a 503 in the one error shape, with `Retry-After`;
 * - every response (the in-flight requests finish as usual) ends its connection (`Connection: close`);
 * - connections that fall idle are closed.
 *
 * It also installs the early hook chain (`installEarlyHooks`): the constructor is the last moment
 * a hook can be registered ahead of Nest's middleware.
 */
export class GracefulFastifyAdapter extends FastifyAdapter {
  private closing = false;
  private idleSweep: NodeJS.Timeout | undefined;

  constructor(options: FastifyServerOptions) {
    super(options);
    const fastify = this.getInstance();
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!this.closing) return done();
      const body: ErrorBody = {
        statusCode: 503,
        error: STATUS_CODES[503] as string,
        message: 'The server is shutting down, retry shortly',
        code: 'SERVICE_UNAVAILABLE',
        requestId: String(request.id),
      };
      void reply
        .status(503)
        .header('x-request-id', request.id)
        .header('retry-after', '1')
        .header('connection', 'close')
        .type('application/json; charset=utf-8')
        .send(body);
    });
    fastify.addHook('onSend', (_request, reply, payload, done) => {
      if (this.closing) void reply.header('connection', 'close');
      done(null, payload);
    });
    installEarlyHooks(fastify);
  }

  override beforeClose(): void {
    this.closing = true;
    const server = this.getHttpServer<Server | undefined>();
    if (server?.listening && !this.idleSweep) {
      this.idleSweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
      this.idleSweep.unref();
    }
    super.beforeClose();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      clearInterval(this.idleSweep);
      this.idleSweep = undefined;
    }
  }
}
