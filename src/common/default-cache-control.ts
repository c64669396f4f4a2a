import type { FastifyInstance } from 'fastify';

/**
 * Nothing is cacheable unless it says so: every answer that set no `Cache-Control` of its own
 * (tokens, carts, orders, the caller's profile, errors) leaves with `private, no-store`, so no
 * browser or shared cache keeps a personalised answer. Answers meant to be cached set their own:
 * the public catalog reads (ETag and `public, max-age`), uploaded images, the demo page.
 */
export function registerDefaultCacheControl(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) void reply.header('cache-control', 'private, no-store');
    done(null, payload);
  });
}
