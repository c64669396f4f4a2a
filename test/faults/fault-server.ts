import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { type Agent, request } from 'node:http';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The built server (`node dist/src/main.js`) as a child process, for what only a real process
 * shows: signals, exit codes, the listening socket closing.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Private builds and copies live here: inside the project, so packages resolve; git-ignored. */
const CACHE = join(ROOT, 'node_modules', '.cache');

/** The sources `nest build` compiles: relative path → mtime. */
function sources(under = ['src', 'migrations']): Map<string, number> {
  const files = new Map<string, number>();
  const walk = (path: string): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const full = join(path, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/(?<!\.spec|\.d)\.ts$/.test(entry.name))
        files.set(relative(ROOT, full), statSync(full).mtimeMs);
    }
  };
  for (const folder of under) walk(join(ROOT, folder));
  return files;
}

const compiled = (out: string, file: string): string => join(out, file.replace(/\.ts$/, '.js'));

/** Every source compiled after its last change. */
function fresh(out: string, files: Map<string, number>): boolean {
  return [...files].every(([file, changed]) => {
    const js = compiled(out, file);
    return existsSync(js) && statSync(js).mtimeMs > changed;
  });
}

/** Every source compiled, none empty: a build copied while another one rewrote dist/ is not. */
function complete(out: string, files: Map<string, number>): boolean {
  return [...files.keys()].every((file) => {
    const js = compiled(out, file);
    return existsSync(js) && statSync(js).size > 0;
  });
}

export interface Build {
  main: string;
  /** Which build the server runs (for the suite's log). */
  how: string;
  dispose(): void;
}

/** Makes a build folder runnable on its own: ESM, packages from the project's node_modules. */
function runnable(out: string): Build {
  writeFileSync(join(out, 'package.json'), '{ "type": "module", "private": true }\n');
  return {
    main: join(out, 'src', 'main.js'),
    how: 'a copy of dist/',
    dispose: () => rmSync(out, { recursive: true, force: true }),
  };
}

/** `nest build` into a folder of the test's own (dist/ is left to whoever else builds). */
function privateBuild(files: Map<string, number>): Build {
  const started = performance.now();
  mkdirSync(CACHE, { recursive: true });
  const dir = mkdtempSync(join(CACHE, 'shop-api-faults-build-'));
  const rel = (path: string) => relative(ROOT, path);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: relative(dir, join(ROOT, 'tsconfig.build.json')),
      compilerOptions: { outDir: './out', incremental: false },
    }),
  );
  writeFileSync(
    join(dir, 'nest-cli.json'),
    JSON.stringify({
      collection: '@nestjs/schematics',
      sourceRoot: 'src',
      entryFile: 'src/main',
      compilerOptions: { tsConfigPath: rel(join(dir, 'tsconfig.json')), deleteOutDir: true },
    }),
  );
  const args = [
    'nest',
    'build',
    '-c',
    rel(join(dir, 'nest-cli.json')),
    '-p',
    rel(join(dir, 'tsconfig.json')),
  ];
  const build = spawnSync('npx', args, { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  const out = join(dir, 'out');
  if (!complete(out, files)) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nest build failed (${build.status}):\n${build.stdout}\n${build.stderr}`);
  }
  const built = runnable(out);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  return {
    main: built.main,
    how: `a private nest build (${seconds} s)`,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * A build of the current sources, private to the test: a copy of dist/ when each of its files is
 * newer than its source and the copy is complete, else a build of its own (`npx nest build` with another
 * outDir). Either way a concurrent rebuild of dist/ — which deletes it first — cannot pull the
 * files from under the running server.
 */
export function preparedBuild(): Build {
  const files = sources();
  const dist = join(ROOT, 'dist');
  if (fresh(dist, files)) {
    mkdirSync(CACHE, { recursive: true });
    const copy = mkdtempSync(join(CACHE, 'shop-api-faults-dist-'));
    try {
      cpSync(dist, copy, { recursive: true });
      if (complete(copy, files)) return runnable(copy);
    } catch {
      // dist/ changed while being copied: build instead
    }
    rmSync(copy, { recursive: true, force: true });
  }
  return privateBuild(files);
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** Everything the process printed so far (shown when a test fails). */
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  /** SIGKILL if still running (afterAll). */
  kill(): Promise<void>;
}

export async function startServer(
  main: string,
  port: number,
  env: Record<string, string>,
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [main], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
    at: performance.now(),
  }));
  const server: ServerProcess = {
    child,
    port,
    output: () => output,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
    const res = await send({ port, method: 'GET', path: '/health/ready' });
    if (res.status === 200) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.kill();
  throw new Error(`the server was not ready within 30 s:\n${output}`);
}

export interface Sent {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: unknown;
  /** The network error instead of a response: ECONNREFUSED, ECONNRESET ("socket hang up"), … */
  error?: string;
  /** When the request was written (the server has it), and when it was answered. */
  sentAt?: number;
  at: number;
}

/** One HTTP request; never rejects: a network failure comes back as `error`. */
export function send(options: {
  port: number;
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  agent?: Agent | false;
  timeoutMs?: number;
}): Promise<Sent> {
  return new Promise((resolvePromise) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    let sentAt: number | undefined;
    const req = request(
      {
        host: '127.0.0.1',
        port: options.port,
        method: options.method,
        path: options.path,
        agent: options.agent ?? false,
        headers: {
          ...(payload
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...options.headers,
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolvePromise({ error: error.code ?? error.message, sentAt, at: performance.now() }),
        );
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON
          }
          resolvePromise({
            status: res.statusCode,
            headers: res.headers,
            body,
            sentAt,
            at: performance.now(),
          });
        });
      },
    );
    req.setTimeout(options.timeoutMs ?? 20_000, () => req.destroy(new Error('ETIMEDOUT (client)')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolvePromise({ error: error.code ?? error.message, sentAt, at: performance.now() }),
    );
    req.on('finish', () => (sentAt = performance.now()));
    req.end(payload);
  });
}
