import pg from 'pg';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { migrations } from '../../migrations/index.js';
import { dataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/**
 * The session-level advisory lock every migration run holds (`pg_advisory_lock(1936224112)`,
 * the ASCII of "shop"): instances starting together on one database migrate one after the other,
 * and those that waited find nothing pending. Ops see a holder or waiter in `pg_locks` as
 * `locktype = 'advisory' AND classid = 0 AND objid = 1936224112`. The lock is held by a
 * connection of its own, so it is released when that connection ends, even when its process dies.
 */
export const MIGRATION_LOCK_KEY = 1_936_224_112;

/**
 * Applies every pending migration under {@link MIGRATION_LOCK_KEY}; returns the names of those
 * applied (none for a caller that waited while another applied them). Needs a session-level
 * connection to PostgreSQL: through a transaction-pooling PgBouncer the lock would not hold.
 */
export async function runMigrations(
  url: string,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  const lock = new pg.Client({ connectionString: url, application_name: 'shop-api migrations' });
  await lock.connect();
  try {
    const [{ locked }] = (
      await lock.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        MIGRATION_LOCK_KEY,
      ])
    ).rows;
    if (!locked) {
      log('another instance is applying migrations: waiting for it');
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    }
    // The usual start finds nothing to do: the migrations table says so, without a second
    // TypeORM data source (its metadata, its pool) that would run nothing.
    if (await upToDate(lock)) return [];
    const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 2 }));
    await dataSource.initialize();
    try {
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      return applied.map((m) => m.name);
    } finally {
      await dataSource.destroy();
    }
  } finally {
    // Ending the session releases the lock, also when the unlock itself fails.
    await lock.end().catch(() => undefined);
  }
}

/** The names TypeORM records the build's migrations under (an instance's `name`, or its class's). */
const migrationNames = (): string[] =>
  migrations.map((Migration) => {
    const migration = new Migration() as { name?: string };
    return migration.name ?? Migration.name;
  });

/** Whether the database has applied every migration of this build (read only: no DDL). */
async function upToDate(client: pg.Client): Promise<boolean> {
  const query = async <R>(sql: string): Promise<R[]> =>
    (await client.query<R & pg.QueryResultRow>(sql)).rows;
  return (await unapplied(query, migrationNames())).length === 0;
}

/** Which of `names` the database's `typeorm_migrations` lacks, read without DDL. */
async function unapplied(
  query: <R>(sql: string) => Promise<R[]>,
  names: string[],
): Promise<string[]> {
  const [table] = await query<{ present: boolean }>(
    `SELECT to_regclass('typeorm_migrations') IS NOT NULL AS present`,
  );
  const applied = new Set(
    table?.present
      ? (await query<{ name: string }>('SELECT name FROM typeorm_migrations')).map((r) => r.name)
      : [],
  );
  return names.filter((name) => !applied.has(name));
}

/**
 * The migrations this build has that the database has not applied, read without DDL (TypeORM's
 * own check creates its table): an app that may not migrate uses it to stay unready until they are.
 */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  return unapplied(
    (sql) => dataSource.query(sql),
    dataSource.migrations.map((migration) => migration.name ?? migration.constructor.name),
  );
}

/**
 * The database to use: `DATABASE_URL` when set (the server migrates it at start, see
 * src/bootstrap.ts; the CLIs do not), otherwise the embedded PostgreSQL, started and migrated
 * here so a newcomer needs nothing else.
 */
export async function resolveDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<ResolvedDatabase> {
  if (config.databaseUrl)
    return { url: config.databaseUrl, embedded: false, stop: () => Promise.resolve() };
  log(`DATABASE_URL is unset: starting the embedded PostgreSQL in ${config.embeddedDataDir}`);
  const db = await startEmbeddedPostgres(config.embeddedDataDir, { log });
  try {
    const applied = await runMigrations(db.url, log);
    if (applied.length > 0) log(`applied migrations: ${describeApplied(applied)}`);
  } catch (error) {
    await db.stop();
    throw error;
  }
  return { url: db.url, embedded: true, stop: () => db.stop() };
}

/** `3 (First…, Second…, Third…)`, or the first and last of a long list: one short log line. */
export function describeApplied(names: string[]): string {
  const shown = names.length <= 3 ? names.join(', ') : `${names[0]} … ${names.at(-1)}`;
  return `${names.length} (${shown})`;
}
