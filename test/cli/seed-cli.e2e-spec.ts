import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { runMigrations } from '@/database/database.runtime.js';
import { createScratchDatabase, type ScratchDatabase } from '../database/scratch-database.js';
import { type Build, preparedBuild } from '../faults/fault-server.js';
import { runCli } from './run-cli.js';

/**
 * `npm run seed` is the built `dist/src/cli/seed.js`: demo products are for a demo or a
 * benchmark, so with NODE_ENV=production it refuses (exit 2, before connecting) unless `--force`.
 * It seeds a scratch database of its own: the run's database is shared with suites that count
 * their own products.
 */

const USAGE = 'usage: npm run seed -- [--products N] [--force]';
const REFUSAL =
  'refusing to seed demo products: NODE_ENV=production, so this looks like a real shop. ' +
  'Add --force if this database should get them.';
/** What production's configuration needs besides the database. */
const PRODUCTION = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-test-only-secret-of-forty-characters-x',
  REDIS_URL: undefined,
  LOG_LEVEL: 'warn',
};
const DATABASE_DOWN = 'postgres://postgres@127.0.0.1:1/x';
/** Far above a refusal (about a second), far below TypeOrmModule's ~30 s of retries. */
const EXIT_BOUND_MS = 15_000;
const SEED_BOUND_MS = 60_000;

describe('seed CLI (built)', () => {
  let build: Build | undefined;
  let script: string;
  let scratch: ScratchDatabase | undefined;
  const seed = (args: string[], env: Record<string, string | undefined>, timeoutMs: number) =>
    runCli(script, args, env, timeoutMs);

  beforeAll(async () => {
    build = preparedBuild();
    script = join(build.main, '..', 'cli', 'seed.js');
    scratch = await createScratchDatabase('seed_cli');
    await runMigrations(scratch.url);
  }, 300_000);
  afterAll(async () => {
    await scratch?.drop();
    build?.dispose();
  });

  it('refuses NODE_ENV=production without --force: exit 2, saying why, before connecting', async () => {
    const run = await seed(
      ['--products', '3'],
      { ...PRODUCTION, DATABASE_URL: DATABASE_DOWN },
      EXIT_BOUND_MS,
    );
    expect(run).toMatchObject({ code: 2, stdout: '', stderr: `${REFUSAL}\n${USAGE}\n` });
  });

  it('refuses NODE_ENV=production without --force, leaving the database empty', async () => {
    const run = await seed(
      ['--products', '3'],
      { ...PRODUCTION, DATABASE_URL: scratch!.url },
      EXIT_BOUND_MS,
    );
    expect(run).toMatchObject({ code: 2, stderr: `${REFUSAL}\n${USAGE}\n` });
    expect(await productCount(scratch!.url)).toBe(0);
  });

  it(
    'seeds with NODE_ENV=production and --force',
    async () => {
      const run = await seed(
        ['--products', '3', '--force'],
        { ...PRODUCTION, DATABASE_URL: scratch!.url },
        SEED_BOUND_MS,
      );
      expect(run).toMatchObject({ code: 0 });
      // Its last line; warnings of the app's modules (printed by Nest to stdout) may come before.
      expect(run.stdout).toMatch(/(^|\n)seeded 3 new products \(0 already there\) in \d+\.\d s\n$/);
      expect(await productCount(scratch!.url)).toBe(3);
    },
    SEED_BOUND_MS,
  );
});

async function productCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM products');
    return rows[0].n;
  } finally {
    await client.end();
  }
}
