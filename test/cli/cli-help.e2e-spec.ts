import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { type Build, sharedBuild } from '../support/shared-build.js';
import { runCli } from './run-cli.js';

/**
 * Every built CLI answers `--help` and `-h` with its usage on stdout and exit 0, before it reads
 * the configuration or connects (so help works on a machine that is not set up yet), and treats
 * an unknown option as a usage error (exit 2).
 */

/** A configuration every CLI would refuse: help must not get that far. */
const BROKEN = { DATABASE_URL: 'mysql://root@127.0.0.1/shop', REDIS_URL: undefined };
const EXIT_BOUND_MS = 15_000;

const CLIS: Array<[string, string]> = [
  ['create-admin', 'usage: npm run create-admin -- --email EMAIL --password-stdin'],
  ['seed', 'usage: npm run seed -- [--products N] [--force]'],
  ['cache-warmup', 'usage: npm run cache:warmup -- [--pages N] [--details N]'],
  ['migrate', 'usage: node dist/src/cli/migrate.js'],
];

describe('CLI help (built)', () => {
  let build: Build | undefined;
  const cli = (name: string, args: string[]) =>
    runCli(join(build!.main, '..', 'cli', `${name}.js`), args, BROKEN, EXIT_BOUND_MS);

  beforeAll(async () => {
    build = await sharedBuild();
  }, 300_000);

  it.each(CLIS.flatMap(([name, usage]) => ['--help', '-h'].map((flag) => [name, flag, usage])))(
    '%s %s prints its usage and options to stdout and exits 0, before reading the configuration',
    async (name, flag, usage) => {
      const run = await cli(name, [flag]);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout.startsWith(usage)).toBe(true);
      expect(run.stdout).toMatch(/^ {2}-h, --help +show this help$/m);
      expect(run.stdout).toMatch(/^Exit: 0 done.*, 2 usage error/m);
    },
  );

  it('migrate exits 2 with its usage on an unknown option, before reading the configuration', async () => {
    const run = await cli('migrate', ['--bogus']);
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: "Unknown option '--bogus'\nusage: node dist/src/cli/migrate.js\n",
    });
  });
});
