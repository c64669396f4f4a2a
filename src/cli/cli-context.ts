import 'reflect-metadata';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '@/app.module.js';
import { type AppConfig, ConfigError, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { DomainError } from '@/common/domain-error.js';
import { dataSourceOptions } from '@/database/data-source-options.js';
import { resolveDatabase } from '@/database/database.runtime.js';

/** A usage error: the CLI prints it with its usage line and exits 2. */
export class UsageError extends Error {}

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

/** `node:util` `parseArgs` (strict), its errors as usage errors. */
export function parseCliArgs<T extends ParseArgsConfig['options']>(
  options: T,
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] {
  try {
    return parseArgs({ options, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Runs a CLI command inside the application's own context (same config, database, Redis and
 * services as the server, no HTTP) and exits: 0 on success, 1 on failure, 2 on usage errors.
 * `parse` reads the arguments first (a `UsageError` for bad ones), before any connection, so a
 * usage error is a usage error even when the database is down.
 */
export function runCli<Args>(
  usage: string,
  parse: () => Args,
  command: (app: INestApplicationContext, config: AppConfig, args: Args) => Promise<void>,
): void {
  const main = async (): Promise<void> => {
    const args = parse();
    loadEnvFile();
    const config = loadConfig();
    const database = await resolveDatabase(config, () => undefined);
    try {
      await assertDatabaseReachable(database.url);
      const app = await NestFactory.createApplicationContext(
        // A CLI is not a server: it runs its command and leaves scheduled work to the servers.
        AppModule.forRoot({
          ...config,
          databaseUrl: database.url,
          retention: { ...config.retention, intervalSeconds: 0 },
          jobs: { ...config.jobs, workers: false },
        }),
        {
          logger: ['error', 'warn'],
          abortOnError: false,
        },
      );
      try {
        await command(app, config, args);
      } finally {
        await app.close();
      }
    } finally {
      await database.stop();
    }
  };
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      if (error instanceof UsageError) {
        console.error(`${error.message}\n${usage}`);
        process.exit(2);
      }
      const message =
        error instanceof ConfigError || error instanceof DomainError
          ? error.message
          : `failed: ${(error as Error)?.message ?? String(error)}`;
      console.error(message);
      process.exit(1);
    });
}
