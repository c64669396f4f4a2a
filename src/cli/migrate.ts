import 'reflect-metadata';
import { ConfigError, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { runMigrations } from '@/database/database.runtime.js';
import { installJobEngine } from '@/jobs/job-engine-install.js';

/**
 * Applies pending migrations to `DATABASE_URL` with the compiled app alone (no TypeORM CLI, no
 * dev dependencies), under the same advisory lock as the server's start (so it may run beside
 * starting instances): a one-shot deploy step, needed when the servers run with
 * `MIGRATE_ON_START=false`. Exit 0 done, 1 failure.
 */
async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required to run migrations']);
  const applied = await runMigrations(config.databaseUrl, (line) => console.log(line));
  // The job engine's own schema (pgboss), which the servers then start with `migrate: false`.
  await installJobEngine(config.databaseUrl);
  console.log(
    applied.length > 0 ? `applied migrations: ${applied.join(', ')}` : 'database is up to date',
  );
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(
      error instanceof ConfigError
        ? error.message
        : `migration failed: ${(error as Error)?.message ?? String(error)}`,
    );
    process.exit(1);
  });
