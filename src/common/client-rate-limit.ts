import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimitedError } from './domain-error.js';
import { toErrorBody } from './error-response.js';

const WINDOW_SECONDS = 60;

/** Orchestrators' probes and Prometheus' scrapes come from few addresses, often: never limited. */
const isExempt = (request: FastifyRequest): boolean => {
  const route = request.routeOptions.url;
  return route !== undefined && (route.startsWith('/health/') || route === '/metrics');
};

/**
 * An IPv6 client is normally given a whole /64, so it is counted by that prefix: keyed by full
 * address it could rotate through 2^64 budgets (and grow the counters without bound).
 */
export function clientKey(ip: string): string {
  if (!ip.includes(':')) return ip;
  const mappedV4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mappedV4?.[1]) return mappedV4[1];
  const [head = '', tail] = ip.split('%')[0].split('::');
  const groups = head === '' ? [] : head.split(':');
  if (tail !== undefined) {
    const tailGroups = tail === '' ? [] : tail.split(':');
    groups.push(...Array<string>(Math.max(0, 8 - groups.length - tailGroups.length)).fill('0'));
  }
  const prefix = groups.slice(0, 4).map((group) => (parseInt(group, 16) || 0).toString(16));
  return `${prefix.join(':')}::/64`;
}

/**
 * `RATE_LIMIT`: requests a minute per client on every route (0 = off), as one `onRequest` hook
 * registered after the request id and security headers hooks (so a 429 carries them, and CORS,
 * whose hook the adapter runs first) and before everything else: the catalog's fast path, the
 * body parser, Nest. The client is its address as Fastify sees it (`TRUST_PROXY` decides which
 * `X-Forwarded-For` hop that is), not the signed-in user: a bearer token would have to be verified
 * before the count (an unverified one is a free new key), which costs more than the read the
 * fast path saves. Counted in this process's memory: no Redis round trip on any request, and a
 * Redis outage changes nothing; the price is that the limit is per instance (N instances behind
 * a balancer let a client make up to N × RATE_LIMIT), which for a generous flood guard is fine.
 * The auth, guest-cart and upload limits, which guard scarce work, stay shared through Redis.
 */
export function registerClientRateLimit(fastify: FastifyInstance, points: number): void {
  if (points === 0) return;
  const limiter = new RateLimiterMemory({ points, duration: WINDOW_SECONDS });
  fastify.addHook('onRequest', async (request, reply) => {
    if (isExempt(request)) return;
    try {
      await limiter.consume(clientKey(request.ip));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const error = new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      return reply
        .status(429)
        .header('retry-after', String(error.retryAfterSeconds))
        .type('application/json; charset=utf-8')
        .send(toErrorBody(error, String(request.id)));
    }
  });
}
