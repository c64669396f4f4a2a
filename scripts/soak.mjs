#!/usr/bin/env node
// `npm run soak -- [--minutes N] [--help]`: the bounded soak of the API (bench/soak/README.md).
// Local only, never in CI: it needs PostgreSQL and Redis on loopback and takes `--minutes` (10 by
// default) plus set-up. It builds the app and the bench into .bench/dist exactly as `npm run
// bench` does (its own build, so a rebuild of dist/ during the run cannot pull files from under
// it; do not run the bench at the same time), then runs .bench/dist/bench/soak/run.js, whose
// exit code it passes on: 0 every check passed, 1 a check failed, 2 a usage error.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const steps = [
  [resolve(root, 'node_modules/.bin/nest'), ['build', '-p', 'bench/tsconfig.app.json']],
  [process.execPath, ['bench/build.mjs']],
];
for (const [command, args] of steps) {
  const built = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (built.status !== 0) {
    console.error(`soak: the build failed (${[command, ...args].join(' ')})`);
    process.exit(1);
  }
}

const soak = spawn(
  process.execPath,
  ['--enable-source-maps', '.bench/dist/bench/soak/run.js', ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
);
// Ctrl-C reaches the soak too (same process group): it stops the app and cleans up itself.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => soak.kill(signal));
soak.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
