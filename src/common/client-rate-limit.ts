import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RateLimitedError } from './domain-error.js';
import { addEarlyHook } from './early-hooks.js';
import { toErrorBody } from './error-response.js';

const WINDOW_MS = 60_000;

/**
 * Requests per key in fixed one-minute windows, in this process: a `Map` lookup per request,
 * synchronous. (An `async` hook around rate-limiter-flexible's `RateLimiterMemory` measured
 * 7–12 µs of CPU per request on a bare Fastify route, a few per cent of a cached read; this,
 * under 1 µs.) One window for every key: all counts start again together, so a client can spend
 * up to twice its budget across a boundary — fine for a flood guard — and the map never holds
 * more than one minute's clients.
 */
export class FixedWindowCounter {
  private counts = new Map<string, number>();
  private windowEnds = 0;

  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts a request of `key`: `undefined` within the limit, else the seconds until the window ends. */
  hit(key: string): number | undefined {
    const now = this.now();
    if (now >= this.windowEnds) {
      this.counts = new Map();
      this.windowEnds = now + WINDOW_MS;
    }
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    return count <= this.limit ? undefined : Math.max(1, Math.ceil((this.windowEnds - now) / 1000));
  }
}

/** Orchestrators' probes and Prometheus' scrapes come from few addresses, often: never limited. */
function isExempt(request: FastifyRequest): boolean {
  const url = request.url;
  // The route template decides (a made-up /health/x is a 404 like any other); the prefix test
  // first keeps that object out of every other request.
  if (!url.startsWith('/health/') && !url.startsWith('/metrics')) return false;
  const route = request.routeOptions.url;
  return route !== undefined && (route.startsWith('/health/') || route === '/metrics');
}

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
 * `RATE_LIMIT`: requests a minute per client on every route (0 = off), as a step of the early
 * chain (`early-hooks.ts`) after the request id and security headers (so a 429 carries them, and
 * CORS, whose hook the adapter runs first) and before everything else: the catalog's fast path,
 * the request logger, the body parser, Nest. The client is its address as Fastify sees it (`TRUST_PROXY` decides which
 * `X-Forwarded-For` hop that is), not the signed-in user: a bearer token would have to be verified
 * before the count (an unverified one is a free new key), which costs more than the read the
 * fast path saves. Counted in this process's memory: no Redis round trip on any request, and a
 * Redis outage changes nothing; the price is that the limit is per instance (N instances behind
 * a balancer let a client make up to N × RATE_LIMIT), which for a generous flood guard is fine.
 * The auth, guest-cart and upload limits, which guard scarce work, stay shared through Redis.
 */
export function registerClientRateLimit(fastify: FastifyInstance, limit: number): void {
  if (limit === 0) return;
  const counter = new FixedWindowCounter(limit);
  addEarlyHook(fastify, (request, reply, next) => {
    const retryAfter = isExempt(request) ? undefined : counter.hit(clientKey(request.ip));
    if (retryAfter === undefined) return next();
    const body = toErrorBody(new RateLimitedError(retryAfter), String(request.id));
    void reply
      .status(429)
      .header('retry-after', String(retryAfter))
      .type('application/json; charset=utf-8')
      .send(body);
  });
}
