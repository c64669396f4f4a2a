import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_ACCOUNTS } from '@/database/demo-shop.js';
import { startEmbeddedPostgres } from '@/database/embedded-postgres.js';
import { waitFor } from '../support/processes.js';
import { send } from '../faults/fault-server.js';
import { type Build, sharedBuild } from '../support/shared-build.js';
import {
  killLeftovers,
  scratchBase,
  START_BOUND_MS,
  type Started,
  startEmbedded,
  stop,
} from './embedded-server.js';

/**
 * What a newcomer's `npm start` prints, its stdout a pipe (a CI log, `> out.txt`): a few lines
 * while the embedded PostgreSQL starts, migrates and seeds the demo shop — JSON, one record a
 * line, unless LOG_FORMAT=pretty — then one banner with the URLs and the demo accounts. Nest's
 * line per module and per route is at debug.
 */

/** The bound: fewer lines than this before the banner. */
const LINES_BEFORE_BANNER = 30;

const isJson = (line: string): boolean => {
  try {
    return typeof JSON.parse(line) === 'object';
  } catch {
    return false;
  }
};

/** Its output once the banner (the line starting "ready in") is in it: stdout may lag the 200. */
async function outputWithBanner(server: Started, banner: RegExp): Promise<string[]> {
  await waitFor('the banner', () => Promise.resolve(banner.test(server.output())), 10_000);
  return server.output().trimEnd().split('\n');
}

describe('npm start output off a terminal', () => {
  let build: Build | undefined;
  const bases: string[] = [];
  /** A stopped cluster made once (initdb, the `shop` database); each test starts on a copy. */
  let template = '';

  const dataDir = (): string => {
    const base = scratchBase();
    bases.push(base);
    return join(base, 'pg');
  };

  /** A copy of the template: a first start's migrations and demo seed, without another initdb. */
  const freshCluster = (): string => {
    const dir = dataDir();
    // `cp -a`: the files must stay owned by the `postgres` user the cluster runs as under root.
    const copy = spawnSync('cp', ['-a', template, dir], { encoding: 'utf8' });
    if (copy.status !== 0) throw new Error(`cp -a failed: ${copy.stderr}`);
    return dir;
  };

  beforeAll(async () => {
    build = await sharedBuild();
    template = dataDir();
    await (await startEmbeddedPostgres(template)).stop();
  }, 300_000);

  afterEach(() => killLeftovers(bases.map((base) => join(base, 'pg'))));

  afterAll(() => {
    for (const base of bases) rmSync(base, { recursive: true, force: true });
  });

  it(
    'prints JSON lines by default, fewer than 30 before one banner naming the URLs and the demo accounts, routes at debug',
    async () => {
      const server = await startEmbedded(build!.main, freshCluster());
      const lines = await outputWithBanner(server, /"msg":"ready in \d+ ms/);
      expect(lines.filter((line) => !isJson(line))).toEqual([]);
      const records = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
      const banners = records.filter((r) => /^ready in /.test(String(r.msg)));
      expect(banners).toHaveLength(1);
      const before = records.indexOf(banners[0]);
      expect(before).toBeLessThan(LINES_BEFORE_BANNER);
      expect(records.slice(0, before).map((r) => r.msg)).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^DATABASE_URL is unset: starting the embedded PostgreSQL/),
          expect.stringMatching(/^applied migrations: /),
          'seeded a demo shop: 240 products, 3 demo accounts',
        ]),
      );
      expect(records.filter((r) => r.level === 30 && /Mapped \{/.test(String(r.msg)))).toEqual([]);

      const base = `http://localhost:${server.port}`;
      const urls = {
        api: `${base}/api`,
        docs: `${base}/docs`,
        demo: `${base}/demo`,
        health: `${base}/health/ready`,
        metrics: `${base}/metrics`,
      };
      const accounts = DEMO_ACCOUNTS.map(({ email, password, role }) => ({
        email,
        password,
        role,
      }));
      expect(banners[0]).toMatchObject({ level: 30, urls, demoAccounts: accounts });
      for (const url of Object.values(urls)) expect(banners[0].msg).toContain(url);
      for (const { email, password } of accounts)
        expect(banners[0].msg).toContain(`${email} / ${password}`);
      // Every URL it names answers.
      for (const url of [`${urls.api}/products`, urls.docs, urls.demo, urls.health, urls.metrics]) {
        const { status } = await send({
          port: server.port,
          method: 'GET',
          path: new URL(url).pathname,
        });
        expect({ url, status }).toEqual({ url, status: 200 });
      }
      expect(await stop(server)).toBe(0);
    },
    START_BOUND_MS + 60_000,
  );

  it(
    'prints text with LOG_FORMAT=pretty: no JSON line, and the banner as a block of URLs and accounts',
    async () => {
      const server = await startEmbedded(build!.main, freshCluster(), { LOG_FORMAT: 'pretty' });
      const lines = await outputWithBanner(server, /\[Bootstrap\] ready in \d+ ms/);
      expect(lines.filter(isJson)).toEqual([]);
      const before = lines.findIndex((line) => /INFO: \[Bootstrap\] ready in \d+ ms/.test(line));
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(LINES_BEFORE_BANNER);
      expect(lines.filter((line) => line.includes('Mapped {'))).toEqual([]);

      const base = `http://localhost:${server.port}`;
      expect(lines.slice(before + 1, before + 10)).toEqual([
        `  API      ${base}/api`,
        `  Docs     ${base}/docs`,
        `  Demo     ${base}/demo`,
        `  Health   ${base}/health/ready`,
        `  Metrics  ${base}/metrics`,
        '  Demo accounts (email, password, role):',
        ...DEMO_ACCOUNTS.map((a) =>
          expect.stringMatching(new RegExp(`^    ${a.email} +${a.password} +${a.role}$`)),
        ),
      ]);
      expect(await stop(server)).toBe(0);
    },
    START_BOUND_MS + 60_000,
  );

  it('says why when the embedded PostgreSQL cannot start, in a line or two of its own log', async () => {
    const dir = freshCluster();
    writeFileSync(join(dir, 'PG_VERSION'), '99\n');
    await expect(startEmbeddedPostgres(dir)).rejects.toThrow(
      /did not start:\n.*FATAL: +database files are incompatible with server\n.*initialized by PostgreSQL version 99/,
    );
  });
});
