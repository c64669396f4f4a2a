import 'reflect-metadata';
import { ConfigError, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { runMigrations } from '@/database/database.runtime.js';

/**
 * Applies pending migrations to `DATABASE_URL` with the compiled app alone (no TypeORM CLI, no
 * dev dependencies): what the container runs before the server. Exit 0 done, 1 failure.
 */
async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL is required to run migrations']);
  const applied = await runMigrations(config.databaseUrl);
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
