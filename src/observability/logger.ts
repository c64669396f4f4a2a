import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { Logger as NestLogger, RequestMethod } from '@nestjs/common';
import { Logger, type Params, PinoLogger } from 'nestjs-pino';
import type { FastifyInstance } from 'fastify';
import type { Level, Logger as Pino, LoggerOptions } from 'pino';
import type { AppConfig } from '@/config/app-config.js';

/** Never logged: credentials, tokens, passwords. */
export const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.currentPassword',
  '*.newPassword',
  '*.refreshToken',
  '*.accessToken',
];

/**
 * Nest's start-up narration — a line for every module, controller and route, some sixty in all —
 * logged at debug instead of info: it buried the lines a person starting the server looks for.
 */
export const NEST_START_UP_CONTEXTS: ReadonlySet<string> = new Set([
  'NestFactory',
  'NestApplication',
  'NestApplicationContext',
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'WebSocketsController',
]);

/** pino's number for the info level. */
const INFO = 30;

/**
 * Demotes {@link NEST_START_UP_CONTEXTS}' info lines to debug. In pino rather than in a Nest
 * logger: Nest replays its buffered start-up lines through whichever logger the app installs, so
 * the one place every one of them passes is the pino logger underneath.
 */
const hooks: LoggerOptions['hooks'] = {
  logMethod(args, method, level) {
    const [fields] = args as unknown[];
    const context = (fields as { context?: unknown } | null)?.context;
    if (level === INFO && typeof context === 'string' && NEST_START_UP_CONTEXTS.has(context)) {
      this.debug(...args);
      return;
    }
    method.apply(this, args);
  },
};

const require = createRequire(import.meta.url);

/** Whether `pino-pretty` can be loaded: a devDependency, so production installs leave it out. */
function prettyInstalled(): boolean {
  try {
    require.resolve('pino-pretty');
    return true;
  } catch {
    return false;
  }
}

/** What `LOG_FORMAT=pretty` becomes where `pino-pretty` is missing: JSON, rather than no start. */
export function effectiveLogFormat(
  requested: AppConfig['logFormat'],
  canPrettify: () => boolean = prettyInstalled,
): AppConfig['logFormat'] {
  return requested === 'pretty' && canPrettify() ? 'pretty' : 'json';
}

/** Text for a person: time, level, `[context] message`, then any other fields on the same line. */
const PRETTY_OPTIONS = {
  singleLine: true,
  translateTime: 'SYS:HH:MM:ss.l',
  ignore: 'pid,hostname,context',
  messageFormat: '{if context}[{context}] {end}{msg}',
};

/** The level of a request's line: error for a 5xx, warn for a 4xx, info otherwise. */
const requestLogLevel = (_req: IncomingMessage, res: ServerResponse, err?: Error): Level =>
  err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';

/** Probes and scrapes: frequent, uninteresting, never logged. */
const unlogged = (req: IncomingMessage): boolean =>
  req.url === '/health/live' || req.url === '/metrics';

/** Logs in `LOG_FORMAT` (JSON or pino-pretty text), one line a request, secrets redacted. */
export function loggerOptions(config: AppConfig): Params {
  const pretty = effectiveLogFormat(config.logFormat) === 'pretty';
  return {
    // nestjs-pino's default route (`{/*splat}`) matches no request on Nest 12's Fastify adapter, so
    // no request was ever logged: name every route explicitly.
    forRoutes: [{ path: '{*splat}', method: RequestMethod.ALL }],
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACT, censor: '[redacted]' },
      hooks,
      // Fastify assigns the id (from X-Request-Id or a new UUID) and stores it on the raw request.
      genReqId: (req: IncomingMessage) => (req as IncomingMessage & { id?: string }).id ?? '',
      customLogLevel: requestLogLevel,
      autoLogging: { ignore: unlogged },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
      ...(pretty ? { transport: { target: 'pino-pretty', options: PRETTY_OPTIONS } } : {}),
    },
  };
}

/**
 * Routes Nest's `Logger` through the application's pino logger from the first line on, so the
 * lines logged before the application exists (embedded PostgreSQL, migrations) share the format
 * of those after it. nestjs-pino builds one root logger per process, on first use: this is it,
 * and the application's `LoggerModule` reuses it. Returns the format actually used.
 */
export function installProcessLogger(config: AppConfig): AppConfig['logFormat'] {
  const params = loggerOptions(config);
  NestLogger.overrideLogger(new Logger(new PinoLogger(params), params));
  const format = effectiveLogFormat(config.logFormat);
  if (format !== config.logFormat)
    new NestLogger('Logger').warn(
      'LOG_FORMAT=pretty needs pino-pretty, a devDependency this install leaves out: logging JSON',
    );
  return format;
}

/**
 * The request line of every answer given before the request logger ran — the catalog's fast path,
 * a 429 of the rate limit, a 503 while shutting down (see `early-hooks.ts`) — in the shape and at
 * the level of the logger's own lines. Nothing is built when that level is off (a cached read in
 * production at `LOG_LEVEL=warn` costs one level check); the per-request child logger the
 * middleware makes for every request is what the early chain exists to avoid.
 */
export function logEarlyAnswers(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const req = request.raw as IncomingMessage & { log?: unknown };
    const root: Pino | undefined = PinoLogger.root;
    if (req.log === undefined && root !== undefined && !unlogged(req)) {
      const level = requestLogLevel(req, reply.raw);
      if (root.isLevelEnabled(level)) {
        const log = root.child({ req });
        const responseTime = Math.round(reply.elapsedTime);
        if (reply.statusCode < 500)
          log[level]({ res: reply.raw, responseTime }, 'request completed');
        else {
          const err = new Error(`failed with status code ${reply.statusCode}`);
          log[level]({ res: reply.raw, err, responseTime }, 'request errored');
        }
      }
    }
    done();
  });
}
