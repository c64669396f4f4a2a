import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { type LoggerOptions, pino } from 'pino';
import { loadConfig } from '@/config/app-config.js';
import { effectiveLogFormat, loggerOptions } from './logger.js';

/** A pino logger with the application's options, writing its records into an array. */
function capturingLogger(level: string): {
  log: pino.Logger;
  records: Array<Record<string, unknown>>;
} {
  const records: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      records.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(32), LOG_FORMAT: 'json' });
  const { hooks } = loggerOptions(config).pinoHttp as LoggerOptions;
  return { log: pino({ level, hooks }, sink), records };
}

describe('loggerOptions', () => {
  it("logs Nest's module and route narration at debug, not info", () => {
    const { log, records } = capturingLogger('info');
    log.info({ context: 'RouterExplorer' }, 'Mapped {/api/products, GET} route');
    log.info({ context: 'RoutesResolver' }, 'ProductsController {/api/products}:');
    log.info({ context: 'InstanceLoader' }, 'AppModule dependencies initialized');
    log.info({ context: 'Bootstrap' }, 'applied migrations: Accounts1');
    log.warn({ context: 'RouterExplorer' }, 'a route was mapped twice');
    expect(records.map(({ level, msg }) => [level, msg])).toEqual([
      [30, 'applied migrations: Accounts1'],
      [40, 'a route was mapped twice'],
    ]);

    const debugging = capturingLogger('debug');
    debugging.log.info({ context: 'RouterExplorer' }, 'Mapped {/api/products, GET} route');
    expect(debugging.records).toMatchObject([
      { level: 20, context: 'RouterExplorer', msg: 'Mapped {/api/products, GET} route' },
    ]);
  });
});

describe('effectiveLogFormat', () => {
  it('logs JSON when LOG_FORMAT=pretty but pino-pretty is not installed (production images)', () => {
    expect(effectiveLogFormat('pretty', () => false)).toBe('json');
    expect(effectiveLogFormat('pretty', () => true)).toBe('pretty');
    expect(effectiveLogFormat('json', () => true)).toBe('json');
  });

  it('finds pino-pretty in a development install', () => {
    expect(effectiveLogFormat('pretty')).toBe('pretty');
  });
});
