import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/**
 * HTTP caching of the public catalog reads (RFC 9110 and 9111): a strong `ETag` per cached body,
 * `Cache-Control` for browsers and CDNs, and `If-None-Match` answered with 304.
 */

/** Staff views and every personalised answer: never stored by a browser or a shared cache. */
export const PRIVATE_CACHE_CONTROL = 'private, no-store';

/**
 * The strong entity tag of a serialized body: a digest of its bytes, computed once when the body
 * is stored in the catalog cache (never per request). Equal bodies give equal tags on every
 * instance and across generations; any change of the body changes the tag.
 */
export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/**
 * `Cache-Control` of a public catalog read. `maxAgeSeconds` 0: `public, no-cache` (a cache may
 * keep the answer but must revalidate it every time, which the ETag makes cheap; nothing is
 * served stale either); `swrSeconds` 0: no `stale-while-revalidate`.
 */
export function publicCacheControl(maxAgeSeconds: number, swrSeconds: number): string {
  if (maxAgeSeconds === 0) return 'public, no-cache';
  const swr = swrSeconds > 0 ? `, stale-while-revalidate=${swrSeconds}` : '';
  return `public, max-age=${maxAgeSeconds}${swr}`;
}

/**
 * Whether `If-None-Match` matches a current representation tagged `etag` (RFC 9110 §13.1.2):
 * `*`, or a comma-separated list of entity tags compared weakly (`W/"x"` matches `"x"`). A
 * malformed header matches nothing, so the full answer is sent.
 */
export function ifNoneMatchHits(header: string | string[] | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  const opaque = etag.startsWith('W/') ? etag.slice(2) : etag;
  // Entity tags cannot contain `"` inside, and a comma only inside quotes: scan, do not split.
  for (let i = 0; i < value.length;) {
    while (i < value.length && (value[i] === ' ' || value[i] === '\t' || value[i] === ',')) i += 1;
    if (i >= value.length) break;
    if (value.startsWith('W/', i)) i += 2;
    if (value[i] !== '"') return false;
    const end = value.indexOf('"', i + 1);
    if (end < 0) return false;
    if (value.slice(i, end + 1) === opaque) return true;
    i = end + 1;
  }
  return false;
}

/** Adds `field` to the response's `Vary` (CORS may have put `Origin` there already). */
export function addVary(reply: FastifyReply, field: string): void {
  const current = reply.getHeader('vary');
  if (current === undefined || current === '') {
    void reply.header('vary', field);
    return;
  }
  const fields = String(current)
    .split(',')
    .map((f) => f.trim().toLowerCase());
  if (fields.includes('*') || fields.includes(field.toLowerCase())) return;
  void reply.header('vary', `${String(current)}, ${field}`);
}

/**
 * Sets a catalog answer's caching headers. A public answer (it has an ETag) gets the ETag and
 * `cacheControl`; a private one `private, no-store`. Both `Vary: Authorization`: the same URL
 * answers staff differently (inactive products), so a shared cache must neither hand a stored
 * anonymous answer to a request with a token nor the other way round.
 */
export function setCatalogHeaders(
  reply: FastifyReply,
  etag: string | undefined,
  cacheControl: string,
): void {
  if (etag === undefined) void reply.header('cache-control', PRIVATE_CACHE_CONTROL);
  else void reply.header('etag', etag).header('cache-control', cacheControl);
  addVary(reply, 'Authorization');
}
