import type { FastifyServerOptions } from 'fastify';
import type { AppConfig } from '@/config/app-config.js';

/**
 * Fastify's `trustProxy` for `TRUST_PROXY`. Fastify (5.12) turns a bare hop count into "trust no
 * hop": it cannot tell whether the peer is the proxy or a client that reached the app directly.
 * `TRUST_PROXY=1` would then quietly key every per-address limit on the load balancer's address,
 * one budget for all clients. So a count is given as the function Express's hop count is: the
 * socket peer and the `hops - 1` addresses nearest it in `X-Forwarded-For` are proxies, and the
 * next one is the client — the address the outermost trusted proxy saw, whatever a client wrote
 * before it. That holds only when clients cannot reach the app without the proxies (a private
 * network); otherwise list the proxies' addresses, which Fastify checks against the peer.
 */
export function fastifyTrustProxy(
  trustProxy: AppConfig['trustProxy'],
): NonNullable<FastifyServerOptions['trustProxy']> {
  if (typeof trustProxy !== 'number') return trustProxy;
  const hops = trustProxy;
  return (_address: string, hop: number) => hop < hops;
}
