#!/usr/bin/env node
// `npm start`: builds the app when its sources changed since the last build (or there is none),
// then runs it. `nest build` type-checks and compiles everything (15–20 s on two cores), so
// rebuilding only on change makes every start after the first one take a few seconds.
// `npm run start:dev` still rebuilds on every change; `npm run start:prod` never builds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const stamp = join(root, 'dist/.build-stamp');
const inputs = [
  'src',
  'migrations',
  'tsconfig.json',
  'tsconfig.build.json',
  'nest-cli.json',
  'package-lock.json',
];

/** The newest modification time under `path` (a file or a directory tree). */
function newest(path) {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(path).reduce(
    (latest, name) => Math.max(latest, newest(join(path, name))),
    stats.mtimeMs,
  );
}

const built = statSync(stamp, { throwIfNoEntry: false })?.mtimeMs ?? 0;
const changed = Math.max(...inputs.map((input) => newest(join(root, input))));
// Our own lines go to stderr: stdout is the app's log, one format throughout (LOG_FORMAT=json
// off a terminal), so a collector reading it gets nothing else.
if (!existsSync(join(root, 'dist/src/main.js')) || changed > built) {
  const started = Date.now();
  console.error('building dist/ (the sources changed since the last build)');
  const build = spawnSync(join(root, 'node_modules/.bin/nest'), ['build'], {
    cwd: root,
    stdio: ['ignore', 2, 2], // its messages (type errors) to stderr too
  });
  if (build.status !== 0) process.exit(build.status ?? 1);
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  console.error(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

const app = spawn(process.execPath, ['dist/src/main.js'], {
  cwd: root,
  stdio: 'inherit',
});
// The app shuts down gracefully on SIGINT/SIGTERM; pass them on and exit as it does.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => app.kill(signal));
// `kill <pid of npm>` stops npm and the `sh -c` it runs us under, but the shell does not pass the
// signal on: we would be orphaned, and the app (and its embedded PostgreSQL) would keep running.
// A changed parent means whoever started us is gone: shut the app down as if it were signalled.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) app.kill('SIGTERM');
}, 500).unref();
app.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
