import type { INestApplicationContext, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '@/app.module.js';
import { loadConfig } from '@/config/app-config.js';
import { migrateOnce } from '../support/migrate-once.js';

/**
 * The CLIs (`seed`, `create-admin`, `cache-warmup`, `migrate`) run the application's module in a
 * standalone context, with no HTTP or Socket.IO server. Every shutdown hook must cope with that:
 * a hook that assumes a server throws, and Nest logs that error with its stack trace at every CLI run.
 */
describe('standalone application context (the CLIs)', () => {
  let app: INestApplicationContext | undefined;
  const errors: unknown[] = [];
  const errorsOnly: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (...args: unknown[]) => void errors.push(args),
  };

  afterEach(async () => {
    await app?.close().catch(() => undefined);
    app = undefined;
  });

  it('starts, serves services and closes cleanly without an HTTP or Socket.IO server', async () => {
    const databaseUrl = process.env.TEST_DATABASE_URL!;
    await migrateOnce(databaseUrl);
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      REDIS_URL: process.env.REDIS_URL,
      DATABASE_URL: databaseUrl,
    });
    app = await NestFactory.createApplicationContext(
      AppModule.forRoot({ ...config, databaseUrl }),
      { logger: errorsOnly, abortOnError: false },
    );
    const [{ one }] = await app.get(DataSource).query<[{ one: number }]>('SELECT 1 AS one');
    expect(one).toBe(1);
    const closing = app.close();
    app = undefined;
    await expect(closing).resolves.toBeUndefined();
    expect(errors).toEqual([]);
  });
});
