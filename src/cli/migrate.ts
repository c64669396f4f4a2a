import { ConfigError } from '@/config/env-reader.js';
import { parseCliArgs, runMain } from './cli-args.js';

const USAGE = 'usage: node dist/src/cli/migrate.js';

const HELP = `Applies pending migrations to DATABASE_URL with the compiled app alone (no TypeORM CLI, no dev
dependencies), under the same advisory lock as the server's start, so it may run beside starting
instances. The deploy step for servers that run with MIGRATE_ON_START=false.

  -h, --help  show this help

Exit: 0 done (or nothing to do), 1 failure, 2 usage error.`;

/**
 * Applies pending migrations to `DATABASE_URL` with the compiled app alone (no TypeORM CLI, no
 * dev dependencies), under the same advisory lock as the server's start (so it may run beside
 * starting instances): a one-shot deploy step, needed when the servers run with
 * `MIGRATE_ON_START=false`. Exit 0 done, 1 failure, 2 usage.
 */
runMain(
  { usage: USAGE, help: HELP },
  async () => {
    parseCliArgs({});
    // Imported after the arguments: `--help` and usage errors need no application.
    await import('reflect-metadata');
    const [{ loadConfig }, { loadEnvFile }, { runMigrations }, { installJobEngine }] =
      await Promise.all([
        import('../config/app-config.js'),
        import('../config/load-env-file.js'),
        import('../database/database.runtime.js'),
        import('../jobs/job-engine-install.js'),
      ]);
    loadEnvFile();
    const config = loadConfig();
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required to run migrations']);
    const applied = await runMigrations(config.databaseUrl, (line) => console.log(line));
    // The job engine's own schema (pgboss), which servers with MIGRATE_ON_START=false do not install.
    await installJobEngine(config.databaseUrl, config.jobs.schema);
    console.log(
      applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database is up to date',
    );
  },
  'migration failed',
);
