import { PgBoss } from 'pg-boss';

/**
 * Installs or upgrades the job engine's schema (`pgboss`) in the database at `url`, under
 * pg-boss's own advisory lock, and nothing else: no workers, no cron, no supervision. The deploy
 * step (`cli/migrate.js`) for servers that run with MIGRATE_ON_START=false.
 */
export async function installJobEngine(url: string, schema: string): Promise<void> {
  const boss = new PgBoss({
    connectionString: url,
    schema,
    max: 2,
    application_name: 'shop-api migrations',
    migrate: true,
    supervise: false,
    schedule: false,
    registerInstance: false,
  });
  boss.on('error', () => undefined); // start() rejects with the error that matters
  await boss.start();
  await boss.stop({ graceful: false });
}
