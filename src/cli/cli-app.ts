import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '@/app.module.js';
import { type AppConfig, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { dataSourceOptions } from '@/database/data-source-options.js';
import { resolveDatabase } from '@/database/database.runtime.js';
import type { CliCommand } from './cli-args.js';

/*
 * The application side of the CLIs, imported only once a CLI's arguments are read (cli-args.ts).
 */

/**
 * One connection attempt, bounded by the pool's connect timeout. The app's TypeOrmModule retries
 * ten times, 3 s apart (a server may start before its database); someone waiting on a CLI wants
 * the answer at once, not after ~30 s of stack traces.
 */
export async function assertDatabaseReachable(url: string): Promise<void> {
  const probe = new DataSource(dataSourceOptions({ url, poolSize: 1 }));
  try {
    await probe.initialize();
  } catch (error) {
    throw new Error(
      `the database at DATABASE_URL cannot be reached (${(error as Error)?.message ?? String(error)})`,
      { cause: error },
    );
  }
  await probe.destroy();
}

/**
 * The configuration a CLI's application runs with. A CLI is not a server: it runs its command
 * (which may enqueue jobs) and leaves scheduled work and job workers to the servers.
 */
export function asCliConfig(
  config: AppConfig,
  databaseUrl: string,
): AppConfig & { databaseUrl: string } {
  return {
    ...config,
    databaseUrl,
    retention: { ...config.retention, intervalSeconds: 0 },
    jobs: { ...config.jobs, workers: false },
  };
}

/** The configuration, the database and the application's context for `cli`, then its `run`. */
export async function runInApp<Args>(cli: CliCommand<Args>, args: Args): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  cli.refuse?.(config, args);
  const database = await resolveDatabase(config, () => undefined);
  try {
    await assertDatabaseReachable(database.url);
    const app = await NestFactory.createApplicationContext(
      AppModule.forRoot(asCliConfig(config, database.url)),
      {
        logger: ['error', 'warn'],
        abortOnError: false,
      },
    );
    try {
      await cli.run(app, config, args);
    } finally {
      await app.close();
    }
  } finally {
    await database.stop();
  }
}
