import pg from 'pg';
import { runMigrations } from '@/database/database.runtime.js';

const LOCK_KEY = 7_041_977;
let done: Promise<void> | undefined;

/** Migrates the run's database once; parallel Jest workers wait on an advisory lock. */
export function migrateOnce(url: string): Promise<void> {
  done ??= (async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK_KEY]);
      await runMigrations(url);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK_KEY]).catch(() => undefined);
      await client.end();
    }
  })();
  return done;
}
