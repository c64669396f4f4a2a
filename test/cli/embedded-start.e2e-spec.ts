import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_ACCOUNTS, DEMO_PRODUCTS } from '@/database/demo-shop.js';
import { send } from '../faults/fault-server.js';
import { type Build, sharedBuild } from '../support/shared-build.js';
import {
  killLeftovers,
  processesOn,
  scratchBase,
  START_BOUND_MS,
  startEmbedded,
  stop,
} from './embedded-server.js';

/**
 * The newcomer's path (README, "Two commands"): the built server with no DATABASE_URL and no
 * REDIS_URL starts the embedded PostgreSQL in EMBEDDED_PG_DIR, migrates and seeds it, serves the
 * demo shop, and on SIGTERM exits 0 and stops that PostgreSQL; the next start finds its data.
 * With no HOST and no JWT_SECRET it stays private to the machine: it listens on 127.0.0.1 only
 * (the demo accounts' passwords are published) and signs tokens with a random secret kept beside
 * the data, so nothing secret is in git and tokens survive a restart.
 * Whatever the test run itself was given (DATABASE_URL, REDIS_URL, …) is kept from the server.
 */

/** The postmaster's pid, from the pid file PostgreSQL keeps in its data directory while it runs. */
const postmasterPid = (dataDir: string): number =>
  Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`);

/** `/proc/net/tcp{,6}` address (hex, 32-bit words in host order) as text; IPv6 stays hex. */
function procAddress(hex: string): string {
  if (hex.length !== 8) return `[${hex}]`;
  return (hex.match(/../g) ?? [])
    .map((byte) => parseInt(byte, 16))
    .reverse()
    .join('.');
}

/** The local addresses of the sockets listening on `port`, from the kernel's socket tables. */
function listeningOn(port: number): string[] {
  const addresses: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue;
    for (const line of readFileSync(table, 'utf8').trim().split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      const [address, hexPort] = (local ?? '').split(':');
      if (state === '0A' && parseInt(hexPort ?? '', 16) === port)
        addresses.push(procAddress(address ?? ''));
    }
  }
  return addresses;
}

/** How a TCP connection to `host:port` ends: 'connected' or the error code. */
function connectTo(host: string, port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('ETIMEDOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

/** The machine's own non-loopback IPv4 addresses (a laptop's Wi-Fi or LAN address). */
const externalAddresses = (): string[] =>
  Object.values(networkInterfaces())
    .flat()
    .filter((i) => i !== undefined && i.family === 'IPv4' && !i.internal)
    .map((i) => i!.address);

const productTotal = async (port: number): Promise<number> => {
  const res = await send({ port, method: 'GET', path: '/api/products' });
  expect(res.status).toBe(200);
  return (res.body as { total: number }).total;
};

describe('npm start with no DATABASE_URL and no REDIS_URL (embedded PostgreSQL)', () => {
  let build: Build | undefined;
  const dirs: string[] = [];
  const timings: string[] = [];

  /** A data directory of the test's own. */
  const freshDataDir = (): string => {
    const base = scratchBase();
    dirs.push(base);
    return join(base, 'pg');
  };

  beforeAll(async () => {
    build = await sharedBuild();
  }, 300_000);

  // A failed test must leave no server and no PostgreSQL behind.
  afterEach(() => killLeftovers(dirs.map((base) => join(base, 'pg'))));

  afterAll(() => {
    // eslint-disable-next-line no-console -- the start-up times are this suite's report
    if (timings.length > 0) console.log(`[embedded start] ${timings.join('; ')}`);
    for (const base of dirs) rmSync(base, { recursive: true, force: true });
  });

  it(
    'seeds the demo shop on first start and serves health, docs, the catalog and demo logins, on 127.0.0.1 only, signing with a secret file of its own',
    async () => {
      const dataDir = freshDataDir();
      const server = await startEmbedded(build!.main, dataDir);
      timings.push(`first start (initdb, migrations, seed) ${Math.round(server.ms)} ms`);
      const { port } = server;
      expect(server.output()).toContain(
        `DATABASE_URL is unset: starting the embedded PostgreSQL in ${dataDir}`,
      );
      expect(server.output()).toContain('(embedded PostgreSQL)');

      // Private to the machine: on the loopback address only, unreachable from the network.
      expect(listeningOn(port)).toEqual(['127.0.0.1']);
      for (const address of externalAddresses())
        expect({ address, outcome: await connectTo(address, port) }).toEqual({
          address,
          outcome: 'ECONNREFUSED',
        });
      // A signing secret of its own, beside the data, readable by its owner only.
      const secret = join(dataDir, '..', 'jwt-secret');
      expect(readFileSync(secret, 'utf8').trim()).toMatch(/^[\w-]{64}$/);
      expect(statSync(secret).mode & 0o777).toBe(0o600);

      const ready = await send({ port, method: 'GET', path: '/health/ready' });
      expect(ready.status).toBe(200);

      const docs = await send({ port, method: 'GET', path: '/docs' });
      expect(docs.status).toBe(200);
      expect(docs.headers?.['content-type']).toMatch(/^text\/html/);
      expect(docs.body).toEqual(expect.stringContaining('<div id="swagger-ui"></div>'));

      const document = await send({ port, method: 'GET', path: '/docs-json' });
      expect(document.status).toBe(200);
      expect(document.headers?.['content-type']).toMatch(/^application\/json/);
      expect(document.body).toMatchObject({
        openapi: expect.stringMatching(/^3\./),
        paths: expect.objectContaining({ '/api/products': expect.any(Object) }),
      });

      const products = await send({ port, method: 'GET', path: '/api/products' });
      expect(products.status).toBe(200);
      const page = products.body as { total: number; items: Array<{ slug: string }> };
      expect(page.total).toBe(DEMO_PRODUCTS);
      expect(page.items.length).toBeGreaterThan(0);
      const detail = await send({
        port,
        method: 'GET',
        path: `/api/products/${page.items[0].slug}`,
      });
      expect(detail.status).toBe(200);

      for (const account of DEMO_ACCOUNTS) {
        const login = await send({
          port,
          method: 'POST',
          path: '/api/auth/login',
          body: { email: account.email, password: account.password },
        });
        expect({ email: account.email, status: login.status }).toEqual({
          email: account.email,
          status: 200,
        });
        const { user } = login.body as { user: { role: string; emailVerified: boolean } };
        expect(user.role).toBe(account.role);
        // Demo addresses receive no mail: seeded verified, so REQUIRE_EMAIL_VERIFICATION works.
        expect(user.emailVerified).toBe(true);
      }
      expect(server.output()).toContain(`seeded a demo shop: ${DEMO_PRODUCTS} products`);
    },
    START_BOUND_MS + 60_000,
  );

  it(
    'exits 0 on SIGTERM with its PostgreSQL stopped, and starts again on the same data, seeded once, accepting the tokens it signed before',
    async () => {
      const dataDir = freshDataDir();
      const first = await startEmbedded(build!.main, dataDir);
      timings.push(`first start ${Math.round(first.ms)} ms`);
      const postmaster = postmasterPid(dataDir);
      expect(processesOn(dataDir)).toEqual([postmaster]);
      const admin = DEMO_ACCOUNTS.find((a) => a.role === 'admin')!;
      const before = await productTotal(first.port);
      expect(before).toBe(DEMO_PRODUCTS);
      const session = await send({
        port: first.port,
        method: 'POST',
        path: '/api/auth/login',
        body: { email: admin.email, password: admin.password },
      });
      expect(session.status).toBe(200);
      const { accessToken } = session.body as { accessToken: string };
      const secret = readFileSync(join(dataDir, '..', 'jwt-secret'), 'utf8');

      expect(await stop(first)).toBe(0);
      expect(alive(postmaster)).toBe(false);
      expect(processesOn(dataDir)).toEqual([]);
      expect(existsSync(join(dataDir, 'postmaster.pid'))).toBe(false);

      const second = await startEmbedded(build!.main, dataDir);
      timings.push(`restart on the same data ${Math.round(second.ms)} ms`);
      expect(await productTotal(second.port)).toBe(before);
      expect(second.output()).not.toContain('seeded a demo shop');
      // Same secret, so a token signed before the restart is still good after it.
      expect(readFileSync(join(dataDir, '..', 'jwt-secret'), 'utf8')).toBe(secret);
      const me = await send({
        port: second.port,
        method: 'GET',
        path: '/api/me',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect({ status: me.status, email: (me.body as { email?: string }).email }).toEqual({
        status: 200,
        email: admin.email,
      });
      const login = await send({
        port: second.port,
        method: 'POST',
        path: '/api/auth/login',
        body: { email: admin.email, password: admin.password },
      });
      expect(login.status).toBe(200);

      const restarted = postmasterPid(dataDir);
      expect(await stop(second)).toBe(0);
      expect(alive(restarted)).toBe(false);
      expect(processesOn(dataDir)).toEqual([]);
    },
    2 * START_BOUND_MS + 60_000,
  );
});
