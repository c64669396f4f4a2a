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

/** Sets helmet's headers on every response, including Fastify's own errors (404, 413, 415). */
export function registerSecurityHeaders(fastify: FastifyInstance, options: HelmetOptions): void {
  const headers = helmetHeaders(options);
  addEarlyHook(fastify, (_request, reply, next) => {
    void reply.headers(headers);
    next();
  });
}
