import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CachedBody, CacheSlot } from './catalog-cache.service.js';

/** A response body already serialized to JSON, typed by what it encodes. */
export type Json<T> = string & { readonly __json?: T };

/** What CatalogFastPath's `onSend` hook needs to know about a catalog answer. */
export interface CatalogAnswer {
  /** The cache slot the answer was served from or stored in. */
  slot?: CacheSlot;
  /** Its strong ETag, when it is a public answer; undefined for a private (staff) one. */
  etag?: string;
}

const ANSWER = Symbol('catalog answer');
type WithAnswer = FastifyRequest & { [ANSWER]?: CatalogAnswer };

/** The catalog answer a request got, if `sendCached` (or the fast path) answered it. */
export const catalogAnswer = (request: FastifyRequest): CatalogAnswer | undefined =>
  (request as WithAnswer)[ANSWER];

export function markCatalogAnswer(request: FastifyRequest, answer: CatalogAnswer): void {
  (request as WithAnswer)[ANSWER] = answer;
}

/**
 * Sends a cached body as is (no re-serialization), with `X-Cache: HIT|MISS|BYPASS`. Its HTTP
 * caching headers (ETag and public `Cache-Control`, or `private, no-store`) and the 304 for a
 * matching `If-None-Match` are CatalogFastPath's `onSend` hook's work, the same for both paths.
 */
export function sendCached<T>(reply: FastifyReply, cached: CachedBody): Json<T> {
  markCatalogAnswer(reply.request, { slot: cached.slot, etag: cached.etag });
  void reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-cache', cached.cache);
  return cached.body;
}

/** A body computed for one caller (staff views): never cached, never public. */
export function privateBody(body: unknown): CachedBody {
  return { body: JSON.stringify(body), cache: 'BYPASS' };
}

/** Sends a body computed for one caller (staff views): never cached, `private, no-store`. */
export function sendUncached<T>(reply: FastifyReply, body: T): Json<T> {
  return sendCached<T>(reply, privateBody(body));
}
