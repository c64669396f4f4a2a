import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built server and CLIs (`nest build` output), for the suites that run them as processes
 * (test/cli, test/faults): signals, exit codes, what a newcomer's terminal shows.
 *
 * One build per state of the sources, shared by every suite of every run: it lives under
 * `node_modules/.cache/shop-api-test-build/<hash of the sources>` (inside the project, so packages
 * resolve; git-ignored), is made by the first suite that needs it while the others wait on a lock
 * directory, and is never written again once complete. So a clean clone compiles once per run
 * (it compiled once per suite, eight times, before), an unchanged tree not at all, and a
 * concurrent `nest build` of dist/ cannot pull files from under a running server.
 */

export interface Build {
  /** `src/main.js` of the build. */
  main: string;
  /** How the build was obtained (for a suite's log). */
  how: string;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'shop-api-test-build');
/** A builder holding the lock longer than this has died (a build takes well under a minute). */
const STALE_LOCK_MS = 10 * 60_000;
/** Builds not used for this long are removed when a new one is made. */
const UNUSED_MS = 24 * 3600_000;

/** The files `nest build` compiles (relative paths), spec files and declarations excluded. */
function sources(): string[] {
  const files: string[] = [];
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/(?<!\.spec|\.d)\.ts$/.test(entry.name)) files.push(relative(ROOT, full));
    }
  };
  for (const folder of ['src', 'migrations']) walk(join(ROOT, folder));
  return files.sort();
}

/** What the build's output depends on: the sources and the compiler's configuration. */
function sourceHash(files: string[]): string {
  const hash = createHash('sha256');
  for (const file of [...files, 'tsconfig.json', 'tsconfig.build.json', 'package.json']) {
    hash
      .update(file)
      .update('\0')
      .update(readFileSync(join(ROOT, file)))
      .update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

const compiled = (out: string, file: string): string => join(out, file.replace(/\.ts$/, '.js'));

/** Every source compiled, none empty. */
function complete(out: string, files: string[]): boolean {
  return files.every((file) => {
    const js = compiled(out, file);
    return existsSync(js) && statSync(js).size > 0;
  });
}

/** dist/ holds every source compiled after its last change (`npm start` or `nest build` made it). */
function distIsFresh(files: string[]): boolean {
  const dist = join(ROOT, 'dist');
  return files.every((file) => {
    const js = compiled(dist, file);
    return existsSync(js) && statSync(js).mtimeMs > statSync(join(ROOT, file)).mtimeMs;
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Compiles (or copies a fresh dist/) into `out`; throws with the compiler's output on failure. */
async function buildInto(work: string, files: string[]): Promise<string> {
  const out = join(work, 'out');
  if (distIsFresh(files)) {
    try {
      cpSync(join(ROOT, 'dist'), out, { recursive: true });
      if (complete(out, files)) return 'a copy of a fresh dist/';
    } catch {
      // dist/ changed while being copied: compile instead
    }
    rmSync(out, { recursive: true, force: true });
  }
  const rel = (path: string) => relative(ROOT, path);
  writeFileSync(
    join(work, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(work, join(ROOT, 'tsconfig.build.json')),
      compilerOptions: { outDir: './out', incremental: false },
    }),
  );
  writeFileSync(
    join(work, 'nest-cli.json'),
    JSON.stringify({
      collection: '@nestjs/schematics',
      sourceRoot: 'src',
      entryFile: 'src/main',
      compilerOptions: { tsConfigPath: rel(join(work, 'tsconfig.json')), deleteOutDir: true },
    }),
  );
  const started = performance.now();
  const args = ['nest', 'build', '-c', rel(join(work, 'nest-cli.json'))];
  const child = spawn('npx', [...args, '-p', rel(join(work, 'tsconfig.json'))], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 300_000,
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (!complete(out, files)) throw new Error(`nest build failed (${code}):\n${output}`);
  return `nest build (${((performance.now() - started) / 1000).toFixed(1)} s)`;
}

/** Removes builds of other source states that nobody used for a day. */
function prune(keep: string): void {
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name !== keep && Date.now() - statSync(path).mtimeMs > UNUSED_MS)
      rmSync(path, { recursive: true, force: true });
  }
}

/** The build of the current sources: made now if no suite made it yet, else reused. */
export async function sharedBuild(): Promise<Build> {
  const files = sources();
  const key = sourceHash(files);
  const entry = join(CACHE, key);
  const main = join(entry, 'out', 'src', 'main.js');
  const lock = `${entry}.lock`;
  mkdirSync(CACHE, { recursive: true });
  for (;;) {
    if (existsSync(entry)) {
      const now = new Date();
      utimesSync(entry, now, now); // in use: not pruned
      return { main, how: `the shared build ${key}` };
    }
    try {
      mkdirSync(lock);
    } catch {
      // Another suite is building it: wait, unless its builder died holding the lock.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS)
        rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (existsSync(entry)) continue; // made between our look and our lock
      const work = `${entry}.building-${process.pid}`;
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work);
      try {
        const how = await buildInto(work, files);
        const out = join(work, 'out');
        // Runnable on its own: ESM, packages from the project's node_modules, and the demo page
        // and email templates beside the build's package.json, where the app looks for them
        // (as in the project, and in the image).
        writeFileSync(join(out, 'package.json'), '{ "type": "module", "private": true }\n');
        for (const folder of ['public', 'templates'])
          if (!existsSync(join(out, folder))) symlinkSync(join(ROOT, folder), join(out, folder));
        renameSync(work, entry); // the build appears complete or not at all
        prune(key);
        return { main, how };
      } catch (error) {
        rmSync(work, { recursive: true, force: true });
        throw error;
      }
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}
