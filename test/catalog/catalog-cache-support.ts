import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { it, jest } from '@jest/globals';
import { ProductsService } from '@/catalog/products/products.service.js';
import type { TestApp } from '../support/test-app.js';

/**
 * `warmCatalogCache` reads every category's and brand's first page: its time grows with all the
 * categories and brands every suite of the run has made, and with the machine's load.
 */
export const WARMUP_TIMEOUT_MS = 120_000;

/** The machine's Redis, when the run was given one. */
const SHARED_REDIS_URL = process.env.REDIS_URL;

/** `it` with `REDIS_URL` set, else `it.skip`: tests that need instances sharing a real Redis. */
export const redisIt = SHARED_REDIS_URL ? it : it.skip;

/** Says loudly which tests a suite skips for want of `REDIS_URL` (a skip must never be silent). */
export function warnWithoutRedis(what: string): void {
  if (SHARED_REDIS_URL) return;
  // eslint-disable-next-line no-console -- the one place a skipped test must be seen
  console.warn(`REDIS_URL is unset: SKIPPED ${what}. Set REDIS_URL to run them.`);
}

/**
 * `REDIS_URL` on logical database `db`, or undefined without `REDIS_URL` (in-memory cache).
 * Generations are shared by everything on one Redis database: a suite that expects a HIT after
 * a MISS gets a database of its own, so writes of suites running beside it cannot bump its
 * namespaces in between. Each suite that calls this must pass a number no other suite uses (in use:
 * 3 the seed CLI, 4 catalog http-caching, 5 variants-crud, 6 catalog-fast-path, 7 media catalog-images, 8 notifications socket-limit,
 * 9 security general-rate-limit, 11–13 catalog and orders; 14 the cache-warmup CLI; 10 the soak,
 * 15 the bench).
 */
export function isolatedRedisUrl(db: number): string | undefined {
  if (!SHARED_REDIS_URL) return undefined;
  const url = new URL(SHARED_REDIS_URL);
  url.pathname = `/${db}`;
  return url.toString();
}

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

/** The redis-server binary, when the machine has one. */
export const REDIS_SERVER = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) =>
  existsSync(p),
);

/** Whether something on `port` answers Redis' `PING`. */
async function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (data) => done(data.toString().startsWith('+PONG')));
  });
}

/**
 * A throw-away `redis-server` child process on a free port (no persistence), that a test can
 * kill and start again on the same port to play a Redis outage.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.start();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (!REDIS_SERVER) throw new Error('no redis-server binary on this machine');
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', ''];
    const child = spawn(REDIS_SERVER, [...args, '--appendonly', 'no'], { stdio: 'ignore' });
    this.child = child;
    for (let waited = 0; waited < 10_000; waited += 50) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
      if (await answersPing(this.port)) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server did not answer on port ${this.port}`);
  }

  /** SIGKILL: no goodbye to clients, like a crash or a network cut. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Records the product slugs the next warmup picks for its "most recent details" step: other
 * suites add products meanwhile, so the test asks the app which ones it warmed.
 */
export function recordRecentSlugs(t: TestApp): () => string[] {
  const products = t.app.get(ProductsService);
  const original = products.recentSlugs.bind(products);
  const picked: string[] = [];
  jest.spyOn(products, 'recentSlugs').mockImplementationOnce(async (limit: number) => {
    picked.push(...(await original(limit)));
    return picked;
  });
  return () => picked;
}

/**
 * Lets `fastify.inject()` (which `warmCatalogCache` sends its requests through) load under Jest.
 * Inject loads light-my-request, a CommonJS package that `require()`s the ESM-only `cookie`;
 * Jest's runtime cannot `require()` ESM before Node 24.9, and jest.config.js lists only the
 * packages the app itself needs compiled (REQUIRED_ESM). The module, loaded as ESM, is handed
 * to that `require()` instead. Call before the suite's first inject.
 */
export async function allowFastifyInject(): Promise<void> {
  const cookie = await import('cookie');
  jest.mock('cookie', () => cookie);
}
