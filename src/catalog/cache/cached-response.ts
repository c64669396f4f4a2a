import type { FastifyReply, FastifyRequest } from 'fastify';
import type { CachedBody, CacheSlot } from './catalog-cache.service.js';

/** A response body already serialized to JSON, typed by what it encodes. */
export type Json<T> = string & { readonly __json?: T };

const SLOT = Symbol('catalog cache slot');
type WithSlot = FastifyRequest & { [SLOT]?: CacheSlot };

/** The cache slot a request's answer was served from or stored in (see CatalogFastPath). */
export const servedSlot = (request: FastifyRequest): CacheSlot | undefined =>
  (request as WithSlot)[SLOT];

/** Sends a cached body as is (no re-serialization), with `X-Cache: HIT|MISS|BYPASS`. */
export function sendCached<T>(reply: FastifyReply, cached: CachedBody): Json<T> {
  (reply.request as WithSlot)[SLOT] = cached.slot;
  void reply
    .header('content-type', 'application/json; charset=utf-8')
    .header('x-cache', cached.cache);
  return cached.body;
}

/** A body computed for one caller (staff views): never cached. */
export function sendUncached<T>(reply: FastifyReply, body: T): Json<T> {
  return sendCached<T>(reply, { body: JSON.stringify(body), cache: 'BYPASS' });
}
