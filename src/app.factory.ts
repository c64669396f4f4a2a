import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { registerClientRateLimit } from './common/client-rate-limit.js';
import { addEarlyHook } from './common/early-hooks.js';
import { keepRawBody } from './common/raw-body.js';
import { toErrorBody } from './common/error-response.js';
import { registerDefaultCacheControl } from './common/default-cache-control.js';
import { GracefulFastifyAdapter } from './common/graceful-fastify-adapter.js';
import { registerSecurityHeaders } from './common/security-headers.js';
import { fastifyTrustProxy } from './common/trust-proxy.js';
import { createValidationPipe, unstorableTextError } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { registerDemoPage } from './demo/demo-static.js';
import { registerMediaHttp } from './media/media-http.js';
import { ConfiguredIoAdapter, RedisIoAdapter } from './notifications/redis-io.adapter.js';
import { logEarlyAnswers } from './observability/logger.js';
import { instrumentHttp } from './observability/metrics.js';
import { setupOpenApi } from './openapi/openapi.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;
/** Deeper JSON is refused: validation recurses through a body, and 10,000 levels overflowed the stack. */
export const MAX_JSON_DEPTH = 32;
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** Accepts the caller's `X-Request-Id` when it is sane, else makes one; the id is logged and echoed. */
function genReqId(req: IncomingMessage): string {
  const header = req.headers['x-request-id'];
  const id = typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
  (req as IncomingMessage & { id?: string }).id = id; // picked up by pino-http
  return id;
}

/**
 * The router rejects a badly percent-encoded URL (400) or an over-long path parameter (414) before
 * any hook or Nest filter runs: answer those in the one error shape too (Fastify's own body has no
 * `requestId` and echoes the URL).
 */
const frameworkErrors: FastifyServerOptions['frameworkErrors'] = (error, request, genericReply) => {
  const reply = genericReply as unknown as FastifyReply;
  const body = toErrorBody(error, String(request.id));
  void reply
    .header('x-request-id', request.id)
    .header('x-content-type-options', 'nosniff')
    .status(body.statusCode)
    .type('application/json; charset=utf-8')
    .send(body);
};

/** Whether `value` nests objects or arrays more than `max` levels deep (checked without recursion). */
function nestedDeeperThan(value: unknown, max: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (typeof node !== 'object' || node === null) continue;
    if (depth > max) return true;
    for (const child of Object.values(node)) pending.push([child, depth + 1]);
  }
  return false;
}

function configureFastify(fastify: FastifyInstance): void {
  // JSON only: any other body type is a 415. An empty JSON body reads as no body (action routes).
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    keepRawBody(request, text); // only routes marked @KeepsRawBody() (signed webhooks)
    if (text.trim() === '') return done(null, undefined);
    void parseJson(request, text, (error, parsed) => {
      if (error || !nestedDeeperThan(parsed, MAX_JSON_DEPTH)) return done(error, parsed);
      done(
        Object.assign(new Error('body nested too deeply'), {
          statusCode: 400,
          code: 'JSON_TOO_DEEP',
        }),
      );
    });
  });
  addEarlyHook(fastify, (request, reply, next) => {
    void reply.header('x-request-id', request.id);
    next();
  });
  // Text PostgreSQL cannot store (NUL, unpaired surrogates) is a 400 wherever it is, not a 500.
  fastify.addHook('preValidation', (request, _reply, done) => done(unstorableTextError(request)));
  registerDefaultCacheControl(fastify);
  instrumentHttp(fastify);
  logEarlyAnswers(fastify);
}

/** Builds the whole HTTP (and Socket.IO) application for a resolved configuration. */
export async function createApp(
  config: AppConfig & { databaseUrl: string },
): Promise<NestFastifyApplication> {
  const adapter = new GracefulFastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: fastifyTrustProxy(config.trustProxy),
    genReqId,
    requestIdHeader: false,
    frameworkErrors,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  app.flushLogs();
  configureFastify(app.getHttpAdapter().getInstance());
  await registerMediaHttp(app, config);
  registerSecurityHeaders(app.getHttpAdapter().getInstance(), {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", "'unsafe-inline'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        // TLS is the proxy's job; upgrading would break /demo and /docs on plain-HTTP hosts.
        upgradeInsecureRequests: null,
      },
    },
    crossOriginResourcePolicy: { policy: 'cross-origin' },
  });
  registerClientRateLimit(app.getHttpAdapter().getInstance(), config.rateLimit);
  app.enableCors({
    origin: config.corsOrigins,
    methods: ['GET', 'HEAD', 'POST', 'PATCH', 'PUT', 'DELETE'],
    allowedHeaders: [
      'Authorization',
      'Content-Type',
      'Idempotency-Key',
      'X-Request-Id',
      'X-Cart-Token',
      'If-None-Match',
    ],
    exposedHeaders: [
      'X-Request-Id',
      'Idempotent-Replayed',
      'X-Cache',
      'ETag',
      'Retry-After',
      'X-Cart-Token',
    ],
    maxAge: 600,
  });
  app.useGlobalPipes(createValidationPipe());
  if (config.redisUrl) {
    const adapter = new RedisIoAdapter(app, config.corsOrigins);
    await adapter.connectToRedis(config.redisUrl);
    app.useWebSocketAdapter(adapter);
  } else {
    app.useWebSocketAdapter(new ConfiguredIoAdapter(app, config.corsOrigins));
  }
  if (config.demoEnabled) await registerDemoPage(app);
  if (config.docsEnabled) setupOpenApi(app);
  return app;
}

export type { NestFastifyApplication };
