import { DataSource } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { dataSourceOptions } from './data-source-options.js';
import { startEmbeddedPostgres } from './embedded-postgres.js';

export interface ResolvedDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** Applies every pending migration; returns the names of those applied. */
export async function runMigrations(url: string): Promise<string[]> {
  const dataSource = new DataSource(dataSourceOptions({ url, poolSize: 2 }));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}

/**
 * The database to use: `DATABASE_URL` when set (migrations are then an explicit deploy step),
 * otherwise the embedded PostgreSQL, started and migrated here so a newcomer needs nothing else.
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
    const applied = await runMigrations(db.url);
    if (applied.length > 0) log(`applied migrations: ${applied.join(', ')}`);
  } catch (error) {
    await db.stop();
    throw error;
  }
  return { url: db.url, embedded: true, stop: () => db.stop() };
}
