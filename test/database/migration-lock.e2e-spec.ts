import { afterEach, describe, expect, it } from '@jest/globals';
import { type RunningServer, startServer } from '@/bootstrap.js';
import { loadConfig } from '@/config/app-config.js';
import { migrations } from '../../migrations/index.js';
import { runMigrations } from '@/database/database.runtime.js';
import { TEST_JWT_SECRET } from '../support/test-app.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

/**
 * Several replicas on one new database: each server migrates at start (or, with
 * `MIGRATE_ON_START=false`, stays unready until someone else does), and the migrations are
 * serialized by an advisory lock, so none of them fails on another's half-made schema.
 */

const INSTANCES = 3;
const MIGRATION_NAMES = migrations.map((m) => m.name);

describe('migrations on several replicas', () => {
  const databases: ScratchDatabase[] = [];
  const servers: RunningServer[] = [];

  const emptyDatabase = async (): Promise<string> => {
    const db = await createScratchDatabase('shop_migration_lock');
    databases.push(db);
    return db.url;
  };

  /** A server as `node dist/src/main.js` starts one, on `databaseUrl`, on a free port. */
  const start = async (databaseUrl: string, env: Record<string, string> = {}) => {
    const server = await startServer(
      loadConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: databaseUrl,
        REDIS_URL: process.env.REDIS_URL,
        PORT: '0',
        HOST: '127.0.0.1',
        JWT_SECRET: TEST_JWT_SECRET,
        RETENTION_INTERVAL: '0',
        ...env,
      }),
    );
    servers.push(server);
    return server;
  };

  const get = async (server: RunningServer, path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.stop().catch(() => undefined)));
    await Promise.all(databases.splice(0).map((db) => db.drop()));
  });

  it('starts three servers at once on an empty database: each becomes ready and serves', async () => {
    const url = await emptyDatabase();
    const started = await Promise.allSettled(Array.from({ length: INSTANCES }, () => start(url)));
    const failures = started
      .filter((s): s is PromiseRejectedResult => s.status === 'rejected')
      .map((s) => (s.reason as Error).message);
    expect(failures).toEqual([]);
    for (const server of servers) {
      expect(await get(server, '/health/ready')).toMatchObject({
        status: 200,
        body: { status: 'ok', info: { migrations: { status: 'up' } } },
      });
      expect(await get(server, '/api/products')).toMatchObject({
        status: 200,
        body: { items: [], total: 0 },
      });
    }
  }, 180_000);

  it('runs three migrations at once (the one-shot step of each replica): one applies them, the others wait and find none pending', async () => {
    const url = await emptyDatabase();
    const runs = await Promise.allSettled(
      Array.from({ length: INSTANCES }, () => runMigrations(url)),
    );
    expect(runs.filter((r) => r.status === 'rejected')).toEqual([]);
    const applied = runs.map((r) => (r as PromiseFulfilledResult<string[]>).value);
    expect(applied.map((names) => names.length).sort((a, b) => a - b)).toEqual([
      0,
      0,
      MIGRATION_NAMES.length,
    ]);
    expect(applied.flat()).toEqual(MIGRATION_NAMES);
    expect(await runMigrations(url)).toEqual([]);
  }, 120_000);

  it('with MIGRATE_ON_START=false, stays unready (503) on an unmigrated database until the migrations are applied', async () => {
    const url = await emptyDatabase();
    const server = await start(url, { MIGRATE_ON_START: 'false' });
    expect(await get(server, '/health/ready')).toMatchObject({
      status: 503,
      body: {
        status: 'error',
        error: { migrations: { status: 'down', pending: MIGRATION_NAMES.length } },
      },
    });

    expect(await runMigrations(url)).toEqual(MIGRATION_NAMES); // the `cli/migrate.js` step
    expect(await get(server, '/health/ready')).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { migrations: { status: 'up' } } },
    });
    expect((await get(server, '/api/products')).status).toBe(200);
  }, 120_000);
});
