import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { INestApplicationContext } from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { ConfigError } from '@/config/env-reader.js';
import { DomainError } from '@/common/domain-error.js';

/*
 * What every CLI needs before it knows what to do: its arguments, its help, its exit codes. Only
 * light modules are imported here; the application (Nest, TypeORM, every feature module) is
 * imported once the arguments are read (cli-app.ts), so `--help` and usage errors answer at once
 * instead of after a second and a half of module loading.
 */

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
    const { runInApp } = await import('./cli-app.js');
    await runInApp(cli, args);
  });
}
