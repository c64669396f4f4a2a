import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { servedSlot } from './cached-response.js';
import { type CacheSlot, CatalogCache } from './catalog-cache.service.js';

/** URLs remembered; a bounded map, so distinct query strings cannot grow it without limit. */
const REMEMBERED_URLS = 10_000;

/**
 * Anonymous cache hits without the Nest pipeline. Once Nest has answered an anonymous `GET` of a
 * catalog read from the shared cache, its exact URL is remembered with the cache slot it maps to
 * (that request passed validation, so the same URL always does). The next anonymous `GET` of that
 * URL is answered from a Fastify `preHandler` hook — after the request id, security headers,
 * CORS, logging and metrics hooks, and the per-client rate limit (`onRequest`, in memory, so
 * these reads are counted without a Redis round trip) — when the slot holds a body at the
 * current generations.
 * Anything else (a miss, a token, Redis trouble, the cache off) goes on to Nest as before, so
 * the answer is always the one Nest would give: invalidation reaches these reads the same way.
 */
@Injectable()
export class CatalogFastPath implements OnModuleInit {
  private readonly slots = new Map<string, CacheSlot>();

  constructor(
    private readonly cache: CatalogCache,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  onModuleInit(): void {
    // No HTTP server in the CLIs' standalone contexts.
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify) return;
    fastify.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'GET' || request.headers.authorization !== undefined) return;
      const slot = this.slots.get(request.url);
      if (!slot) return;
      const body = await this.cache.peek(slot);
      if (body === undefined) return;
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('x-cache', 'HIT')
        .send(body);
    });
    fastify.addHook('onSend', (request, reply, payload, done) => {
      if (reply.statusCode === 200) this.remember(request);
      done(null, payload);
    });
  }

  private remember(request: FastifyRequest): void {
    const slot = servedSlot(request);
    if (!slot || request.method !== 'GET' || request.headers.authorization !== undefined) return;
    if (this.slots.has(request.url)) return;
    if (this.slots.size >= REMEMBERED_URLS) this.slots.delete(this.slots.keys().next().value!);
    this.slots.set(request.url, slot);
  }
}
