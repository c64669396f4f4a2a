import type { FastifyReply } from 'fastify';
import type { CachedBody } from './catalog-cache.service.js';

/** A response body already serialized to JSON, typed by what it encodes. */
export type Json<T> = string & { readonly __json?: T };

/** Sends a cached body as is (no re-serialization), with `X-Cache: HIT|MISS|BYPASS`. */
export function sendCached<T>(reply: FastifyReply, cached: CachedBody): Json<T> {
  void reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-cache', cached.cache);
  return cached.body;
}

/** A body computed for one caller (staff views): never cached. */
export function sendUncached<T>(reply: FastifyReply, body: T): Json<T> {
  return sendCached<T>(reply, { body: JSON.stringify(body), cache: 'BYPASS' });
}
