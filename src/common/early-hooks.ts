import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * A step of the early chain: calls `next()` to go on (or `next(error)` to fail the request), or
 * sends the reply and does not call `next` at all. It must never throw after it returned.
 */
export type EarlyHook = (
  request: FastifyRequest,
  reply: FastifyReply,
  next: (error?: Error) => void,
) => void;

const chains = new WeakMap<FastifyInstance, EarlyHook[]>();

/**
 * The hooks every request passes before Nest's middleware (the request logger): the request id,
 * the security headers, the per-client rate limit and the catalog's fast path, in the order they
 * are added. Fastify runs `onRequest` hooks in the order they were registered, and Nest registers
 * its middleware while the application is created, before `createApp` can add anything; so the
 * adapter installs this one hook in its constructor, just after Nest's own CORS and shutdown
 * hooks, and the steps are added to it later.
 *
 * Why before the middleware: the fast path answers a cached read for a fraction of what the
 * request logger's per-request child logger alone costs (measured: 12 % of a cached read's CPU,
 * bench/README.md). Answers given here are logged by `logEarlyAnswers` instead, in the same shape.
 */
export function installEarlyHooks(fastify: FastifyInstance): void {
  const hooks: EarlyHook[] = [];
  chains.set(fastify, hooks);
  fastify.addHook('onRequest', (request, reply, done) => {
    let at = 0;
    const next = (error?: Error): void => {
      if (error) return done(error);
      const hook = hooks[at];
      at += 1;
      if (hook === undefined) return done();
      hook(request, reply, next);
    };
    next();
  });
}

/** Appends a step to the early chain (see `installEarlyHooks`). */
export function addEarlyHook(fastify: FastifyInstance, hook: EarlyHook): void {
  const hooks = chains.get(fastify);
  if (!hooks) throw new Error('no early hook chain: create the app with GracefulFastifyAdapter');
  hooks.push(hook);
}
