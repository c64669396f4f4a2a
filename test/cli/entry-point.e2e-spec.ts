import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { type Build, sharedBuild } from '../support/shared-build.js';

let build: Build | undefined;
beforeAll(async () => {
  build = await sharedBuild();
});

/** Runs `script` as an ES module in a child process; returns its stdout (stderr must be empty). */
function runModule(script: string, env: NodeJS.ProcessEnv = {}): string {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(child.stderr).toBe('');
  return child.stdout;
}

/** The file URL of `file` (relative to src/) in the build. */
const built = (file: string): string => pathToFileURL(join(build!.main, '..', file)).href;

/**
 * The built server's stack traces name our TypeScript files (src/main.ts turns the maps on
 * before it imports the server, without `--enable-source-maps` on the command line).
 */
describe('source maps of the built server', () => {
  /** The stack of a ConfigError thrown by the build's loadConfig, with the maps on or off. */
  const configErrorStack = (mapsOn: boolean): string =>
    runModule(
      [
        mapsOn
          ? `(await import(${JSON.stringify(built('observability/source-maps.js'))})).enableOwnSourceMaps();`
          : '',
        `const { loadConfig } = await import(${JSON.stringify(built('config/app-config.js'))});`,
        'try { loadConfig(); } catch (error) { console.log(error.stack); }',
      ].join('\n'),
      { PORT: 'not-a-port' },
    );

  it('points our frames at the TypeScript sources', () => {
    const stack = configErrorStack(true);
    expect(stack).toMatch(/PORT must be an integer/);
    expect(stack).toMatch(/src\/config\/app-config\.ts:\d+:\d+/);
    expect(stack).not.toMatch(/app-config\.js/);
  });

  it('would name the compiled files without them (so the case above is not vacuous)', () => {
    expect(configErrorStack(false)).toMatch(/src\/config\/app-config\.js:\d+:\d+/);
  });

  it('turns them on in the entry point, before the server is imported', async () => {
    const { readFile } = await import('node:fs/promises');
    const entry = await readFile(build!.main, 'utf8');
    const on = entry.indexOf('enableOwnSourceMaps()');
    const serve = entry.indexOf("import('./serve.js')");
    expect(on).toBeGreaterThan(-1);
    expect(serve).toBeGreaterThan(on);
    expect(entry).not.toMatch(/^import .*serve/m);
  });
});

/**
 * `releaseStartupMemory` (called by the entry point just before it listens) gives back the young
 * generation that start-up's allocations grew: the largest part of an idle instance's memory
 * otherwise (bench/README.md, round 3).
 */
describe('releasing start-up memory', () => {
  it('shrinks a young generation grown by long-lived allocations', () => {
    const out = runModule(`
      import v8 from 'node:v8';
      const { releaseStartupMemory } = await import(${JSON.stringify(built('observability/startup-memory.js'))});
      const youngGeneration = () =>
        v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      // What start-up does to the young generation: many objects that survive a while.
      const kept = [];
      for (let i = 0; i < 300_000; i += 1) {
        kept.push({ i, text: 'item ' + i, pair: [i, i + 1] });
        if (kept.length > 100_000) kept.splice(0, 50_000);
      }
      const before = youngGeneration();
      releaseStartupMemory();
      console.log(JSON.stringify({ before, after: youngGeneration(), v8: process.versions.v8 }));
    `);
    const { before, after, v8 } = JSON.parse(out) as { before: number; after: number; v8: string };
    expect(before).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    if (Number(v8.split('.')[0]) < 12) {
      // Node 20's V8 (11.x) has no memory-reducing flavour of gc(): the call is a full collection
      // that keeps the semi-spaces. The image and the production figures are Node 24.
      // eslint-disable-next-line no-console -- a weaker check says so loudly
      console.warn(`[entry point] V8 ${v8}: only checked that releaseStartupMemory runs`);
      return;
    }
    expect(after).toBeLessThanOrEqual(2 * 1024 * 1024);
  });
});
