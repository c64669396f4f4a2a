import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import { addEarlyHook } from './early-hooks.js';

/**
 * The headers helmet sets for `options`, computed once. helmet's headers do not depend on the
 * request, yet `@fastify/helmet` builds a new helmet middleware (and re-parses the CSP) on every
 * request: ~5 % of a cached read's CPU. This runs helmet itself once against a recording response.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  helmet(options)(
    {} as IncomingMessage,
    recorder as unknown as ServerResponse,
    () => undefined, // helmet 8 throws a bad option at construction; `next` gets no error
  );
  return Object.freeze(headers);
}

/**
 * The headers of an answer that is data (JSON, YAML, Prometheus text), never a page a browser
 * renders: nothing may load from it or frame it, it is never sniffed as another type, and the
 * browser keeps to HTTPS. Stricter than the page set (`default-src 'none'` instead of `'self'`,
 * `DENY` instead of `SAMEORIGIN`), and without helmet's headers that only a rendered document
 * reads (COOP, Origin-Agent-Cluster, X-DNS-Prefetch-Control, X-Download-Options, X-XSS-Protection,
 * X-Permitted-Cross-Domain-Policies): ~450 bytes less on every API answer, which a cached read of
 * a 1 KB product pays on each hit (bench/README.md, round 3). OWASP's REST cheat sheet lists
 * this set for APIs.
 */
export const DATA_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
  'cross-origin-resource-policy': 'cross-origin',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
});

/**
 * Whether `url` is answered with data rather than a page: the API, health, metrics and the
 * machine-readable documents (`/docs-json`, `/docs-yaml`, `/docs-asyncapi.json`). Everything
 * else (Swagger UI at /docs, the demo pages, static files, media) keeps helmet's page set; a
 * route that needs its own (media: `sandbox`) sets it itself.
 */
export function answersData(url: string): boolean {
  return (
    url.startsWith('/api/') ||
    url.startsWith('/health/') ||
    url.startsWith('/docs-') ||
    url === '/metrics' ||
    url.startsWith('/metrics?')
  );
}

/**
 * Sets the security headers on every response, including Fastify's own errors (404, 413, 415):
 * {@link DATA_HEADERS} for data, helmet's set for `pageOptions` on everything else.
 */
export function registerSecurityHeaders(
  fastify: FastifyInstance,
  pageOptions: HelmetOptions,
): void {
  const page = helmetHeaders(pageOptions);
  addEarlyHook(fastify, (request, reply, next) => {
    void reply.headers(answersData(request.url) ? DATA_HEADERS : page);
    next();
  });
}
