import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';
import { createApp } from './app.factory.js';
import type { AppConfig } from './config/app-config.js';
import {
  pendingMigrations,
  type ResolvedDatabase,
  resolveDatabase,
  runMigrations,
} from './database/database.runtime.js';
import { seedDemoShop } from './database/demo-shop.js';
import { releaseStartupMemory } from './observability/startup-memory.js';

export interface RunningServer {
  app: NestFastifyApplication;
  /** Where it listens, as `app.getUrl()` gives it. */
  url: string;
  /** Whether it runs on the embedded PostgreSQL (started, and stopped, by this server). */
  embedded: boolean;
  /** Whether it serves the embedded demo shop (seeded on first start, accounts in DEMO_ACCOUNTS). */
  demoShop: boolean;
  /** Closes the app (in-flight requests finish first), then stops the embedded PostgreSQL. */
  stop(): Promise<void>;
  /** Stops the embedded PostgreSQL only: what is left to do when `stop()` ran out of time. */
  stopDatabase(): Promise<void>;
}

/**
 * Migrates `DATABASE_URL` before serving, so an instance started on its own (no separate migrate
 * step) never serves a schema older than its code. Several instances may start at once:
 * {@link runMigrations} takes an advisory lock, and those that waited find nothing pending.
 * With `MIGRATE_ON_START=false` nothing is changed; pending migrations are logged and keep
 * /health/ready at 503 until a `cli/migrate.js` run applies them.
 */
async function prepareExternalDatabase(
  database: ResolvedDatabase,
  config: AppConfig,
  log: (line: string) => void,
): Promise<void> {
  if (database.embedded || !config.migrateOnStart) return;
  const applied = await runMigrations(database.url, log);
  log(applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database is up to date');
}

export interface StartOptions {
  /**
   * Collect start-up's garbage before listening ({@link releaseStartupMemory}): what the process
   * of `node dist/src/main.js` does; tests that start many servers in one process skip it.
   */
  releaseStartupMemory?: boolean;
}

/**
 * Starts the server the way `node dist/src/main.js` does — database, migrations, app, demo seed,
 * listening on `config.host:config.port` — and hands back what stops it. Signals and exit codes
 * are the caller's (src/serve.ts), so tests can start several servers in one process.
 */
export async function startServer(
  config: AppConfig,
  options: StartOptions = {},
): Promise<RunningServer> {
  const logger = new Logger('Bootstrap');
  const log = (line: string): void => logger.log(line);
  const database = await resolveDatabase(config, log);
  const demoShop = database.embedded && config.seedDemoData && config.nodeEnv !== 'production';
  let app: NestFastifyApplication | undefined;
  try {
    await prepareExternalDatabase(database, config, log);
    app = await createApp({ ...config, databaseUrl: database.url });
    if (!config.migrateOnStart && !database.embedded) {
      const pending = await pendingMigrations(app.get(DataSource));
      if (pending.length > 0)
        logger.warn(
          `MIGRATE_ON_START=false and ${pending.length} migration(s) pending (${pending.join(', ')}): ` +
            'not ready (/health/ready 503) until `node dist/src/cli/migrate.js` applies them',
        );
    }
    if (demoShop) await seedDemoShop(app, config, log);
    if (options.releaseStartupMemory) releaseStartupMemory();
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => undefined);
    await database.stop();
    throw error;
  }
  const server = app;
  return {
    app: server,
    url: await server.getUrl(),
    embedded: database.embedded,
    demoShop,
    stop: async () => {
      try {
        await server.close();
      } finally {
        await database.stop();
      }
    },
    stopDatabase: () => database.stop(),
  };
}
