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

/** A usage error: the CLI prints it with its usage lines and exits 2. */
export class UsageError extends Error {}

/** `--help` or `-h` was given: the CLI prints its help to stdout and exits 0, doing nothing else. */
class HelpRequested extends Error {}

/** What a CLI says about itself: `usage` on a usage error (stderr), `usage` + `help` on `--help`. */
export interface CliText {
  usage: string;
  help: string;
}

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
 * `node:util` `parseArgs` (strict), its errors as usage errors. `--help`/`-h` wins over anything
 * else on the line. `refused` names options that are refused outright, with the reason: they are
 * matched before parsing, so the reason shows whatever follows them.
 */
export function parseCliArgs<T extends ParseArgsConfig['options']>(
  options: T,
  refused: Record<string, string> = {},
): ReturnType<typeof parseArgs<{ options: T; strict: true }>>['values'] {
  const args = process.argv.slice(2);
  const end = args.indexOf('--');
  const flags = end < 0 ? args : args.slice(0, end);
  if (flags.some((arg) => arg === '--help' || arg === '-h')) throw new HelpRequested();
  for (const [name, reason] of Object.entries(refused))
    if (flags.some((arg) => arg === `--${name}` || arg.startsWith(`--${name}=`)))
      throw new UsageError(reason);
  try {
    return parseArgs({ args, options, strict: true }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/**
 * Runs a CLI's `main` and exits as every CLI here does: 0 done (also after `--help`, printed to
 * stdout), 1 failure (one line on stderr, `failure: reason`, no stack trace), 2 usage error (the
 * reason and the usage lines on stderr).
 */
export function runMain(text: CliText, main: () => Promise<void>, failure = 'failed'): void {
  main()
    .then(() => process.exit(0))
    .catch((error: unknown) => {
      if (error instanceof HelpRequested) {
        console.log(`${text.usage}\n\n${text.help}`);
        process.exit(0);
      }
      if (error instanceof UsageError) {
        console.error(`${error.message}\n${text.usage}`);
        process.exit(2);
      }
      console.error(
        error instanceof ConfigError || error instanceof DomainError
          ? error.message
          : `${failure}: ${(error as Error)?.message ?? String(error)}`,
      );
      process.exit(1);
    });
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

export interface CliCommand<Args> extends CliText {
  /** Reads the arguments (and stdin, if asked to), before any configuration or connection. */
  parse: () => Args | Promise<Args>;
  /** Refusals that depend on the configuration: a `UsageError` here still comes before connecting. */
  refuse?: (config: AppConfig, args: Args) => void;
  run: (app: INestApplicationContext, config: AppConfig, args: Args) => Promise<void>;
}

/**
 * Runs a CLI command inside the application's own context (same config, database, Redis and
 * services as the server, no HTTP) and exits (see {@link runMain}). The arguments are read first,
 * then the configuration is checked, all before any connection, so a usage error is a usage error
 * even when the database is down.
 */
export function runCli<Args>(cli: CliCommand<Args>): void {
  runMain(cli, async () => {
    const args = await cli.parse();
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
  });
}
