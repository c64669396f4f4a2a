import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { mayBeStaff } from '@/common/auth.js';
import { addEarlyHook } from '@/common/early-hooks.js';
import { type CatalogAnswer, catalogAnswer, markCatalogAnswer } from './cached-response.js';
import { type CacheSlot, CatalogCache } from './catalog-cache.service.js';
import { ifNoneMatchHits, setCatalogHeaders } from './http-caching.js';

/** URLs remembered; a bounded map, so distinct query strings cannot grow it without limit. */
const REMEMBERED_URLS = 10_000;

const isRead = (request: FastifyRequest): boolean =>
  request.method === 'GET' || request.method === 'HEAD';

/** Reads that get the public answer: anonymous, or a bearer whose token claims no staff role. */
const isPublicRead = (request: FastifyRequest): boolean =>
  isRead(request) && !mayBeStaff(request.headers.authorization);

/**
 * Public cache hits without the Nest pipeline, and the HTTP caching headers of every catalog
 * answer.
 *
 * Once Nest has answered a public `GET` of a catalog read from the shared cache, its exact URL is
 * remembered with the cache slot it maps to (that request passed validation, so the same URL
 * always does). The next public `GET` (or `HEAD`) of that URL — anonymous, or signed in as a
 * customer, who sees what anonymous callers see (`mayBeStaff`) — is answered as the last step of
 * the early hook chain (`early-hooks.ts`: after CORS, the request id, the security headers and
 * the per-client rate limit, before the request logger and the rest of Nest) when the slot holds
 * a body at the current generations. Anything else (a miss, a staff token, Redis trouble, the
 * cache off) goes on to Nest as before, so the answer is always the one Nest would give:
 * invalidation reaches these reads the same way. The request line of an answer given here is
 * written by `logEarlyAnswers`, and its duration recorded by the metrics hook, as for any other.
 *
 * Both paths end in one `onSend` hook: a public answer gets its stored ETag and the public
 * `Cache-Control`, a private (staff) one `private, no-store`, and a request whose
 * `If-None-Match` matches the ETag gets a 304 with the same headers and no body.
 */
@Injectable()
export class CatalogFastPath implements OnModuleInit {
  private readonly logger = new Logger(CatalogFastPath.name);
  private readonly slots = new Map<string, CacheSlot>();

  constructor(
    private readonly cache: CatalogCache,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // No HTTP server in the CLIs' standalone contexts.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    addEarlyHook(fastify, (request, reply, next) => {
      const slot = this.slots.get(request.url);
      if (!slot || !isPublicRead(request)) return next();
      // `peek` never rejects: any Redis trouble is a miss, which Nest then answers.
      this.cache
        .peek(slot)
        .then((entry) => {
          if (entry === undefined) return next();
          markCatalogAnswer(request, { slot, etag: entry.etag });
          void reply
            .header('content-type', 'application/json; charset=utf-8')
            .header('x-cache', 'HIT')
            .send(entry.body);
        })
        .catch((error: unknown) => this.logger.error('fast path failed', error));
    });
    fastify.addHook('onSend', (request, reply, payload, done) => {
      const answer = catalogAnswer(request);
      if (answer === undefined || reply.statusCode !== 200) return done(null, payload);
      this.remember(request, answer);
      setCatalogHeaders(reply, answer.etag, this.cache.publicCacheControl);
      if (
        answer.etag === undefined ||
        !ifNoneMatchHits(request.headers['if-none-match'], answer.etag)
      )
        return done(null, payload);
      void reply.code(304);
      reply.removeHeader('content-type');
      // HEAD: Fastify's HEAD route hook drops the body, keeping the Content-Length of the 200's,
      // which a 304 may carry (RFC 9110 §8.6). GET: no body and no Content-Length.
      if (request.method === 'HEAD') return done(null, payload);
      reply.removeHeader('content-length');
      done(null, null);
    });
  }

  private remember(request: FastifyRequest, { slot }: CatalogAnswer): void {
    if (!slot || !isPublicRead(request)) return;
    if (this.slots.has(request.url)) return;
    if (this.slots.size >= REMEMBERED_URLS) this.slots.delete(this.slots.keys().next().value!);
    this.slots.set(request.url, slot);
  }
}
