import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '@/app.module.js';
import { type AppConfig, ConfigError, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { DomainError } from '@/common/domain-error.js';
import { resolveDatabase } from '@/database/database.runtime.js';

/** A usage error: the CLI prints it with its usage line and exits 2. */
export class UsageError extends Error {}

/**
 * Runs a CLI command inside the application's own context (same config, database, Redis and
 * services as the server, no HTTP) and exits: 0 on success, 1 on failure, 2 on usage errors.
 */
export function runCli(
  usage: string,
  command: (app: INestApplicationContext, config: AppConfig) => Promise<void>,
): void {
  const main = async (): Promise<void> => {
    loadEnvFile();
    const config = loadConfig();
    const database = await resolveDatabase(config, () => undefined);
    try {
      const app = await NestFactory.createApplicationContext(
        AppModule.forRoot({ ...config, databaseUrl: database.url }),
        {
          logger: ['error', 'warn'],
          abortOnError: false,
        },
      );
      try {
        await command(app, config);
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
