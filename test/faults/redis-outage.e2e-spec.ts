import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  PrivateRedis,
  REDIS_SERVER,
  redisCommand,
  requireBinary,
  timed,
  waitFor,
} from '../support/processes.js';
import {
  closeSockets,
  connectSocket,
  expectStatus,
  nextEvent,
  type Product,
  type Shop,
  shop,
} from './fault-shop.js';

/**
 * Redis stopped mid-run (a private redis-server, SIGKILLed and started again on its port): the
 * instance serves degraded — catalog from PostgreSQL, orders and notifications as usual, pushes
 * to its own sockets — and comes back by itself, never serving a value its own writes made stale.
 */
const RUN = requireBinary(REDIS_SERVER, 'test/faults/redis-outage');
const faultIt = RUN ? it : it.skip;

/** A request that goes through Redis must not wait on it while it is away. */
const DEGRADED_MS = 1_500;
/** Reconnects back off to at most 2 s (src/redis/redis.module.ts). */
const RECOVERY_MS = 6_000;
/** Cache and rate-limit calls to a hanging Redis time out (0.3 s, 0.5 s); the health ping at 1 s. */
const HUNG_BOUND_MS = 3_000;

const NEXT_STATUS: Record<string, string> = {
  confirmed: 'processing',
  processing: 'shipped',
  shipped: 'delivered',
  delivered: 'refunded',
};

interface ProductBody {
  price: number;
}

describe('Redis stopped mid-run', () => {
  let redis: PrivateRedis | undefined;
  let a: TestApp;
  let b: TestApp;
  let s: Shop;
  let product: Product;
  let owner: TestUser;
  let orderId: string;
  const timings: Record<string, number> = {};

  const getProduct = async (t: TestApp): Promise<Response> => {
    const res = await t.http.get(`/api/products/${product.slug}`);
    expectStatus(res, 200);
    return res;
  };
  const ready = (t: TestApp) => t.http.get('/health/ready').then((r) => r);

  beforeAll(async () => {
    if (!RUN) return;
    redis = await PrivateRedis.start();
    // A: the instance whose writes fail to reach Redis (rate limits on, to use the limiter);
    // B: a second instance on the same Redis, to see pub/sub come back.
    [a, b] = await Promise.all([
      createTestApp({ REDIS_URL: redis.url, AUTH_RATE_LIMIT: '1000' }),
      createTestApp({ REDIS_URL: redis.url }),
    ]);
    s = await shop(a);
    product = await s.product({ price: 1250 });
    [owner] = (await s.customers(1)) as [TestUser];
  }, 30_000);

  afterAll(async () => {
    closeSockets();
    // eslint-disable-next-line no-console -- the measured numbers are part of the report
    if (RUN) console.log(`[faults] Redis outage timings (ms): ${JSON.stringify(timings)}`);
    await Promise.allSettled([a?.close(), b?.close()]);
    await redis?.dispose();
  });

  faultIt(
    'caches catalog reads in Redis (MISS, then HIT) and reports Redis up while it runs',
    async () => {
      expect((await getProduct(a)).headers['x-cache']).toMatch(/MISS|BYPASS/);
      expect((await getProduct(a)).headers['x-cache']).toBe('HIT');
      const health = await ready(a);
      expectStatus(health, 200);
      expect(health.body.details.redis).toEqual({ status: 'up' });
      // Keep this (soon stale) entry: Redis comes back with it, as a persisted Redis would.
      await redis!.snapshot();
    },
  );

  faultIt(
    'serves catalog reads from PostgreSQL at once when Redis dies, and takes catalog writes',
    async () => {
      await redis!.kill();
      const read = await timed(() => getProduct(a));
      timings.catalogReadWhileDown = Math.round(read.ms);
      expect(read.value.headers['x-cache']).toBe('BYPASS');
      expect((read.value.body as ProductBody).price).toBe(1250);
      expect(read.ms).toBeLessThan(DEGRADED_MS);
      const list = await a.http.get('/api/products').query({ q: product.slug.split('-')[1] });
      expectStatus(list, 200);

      // The invalidation cannot reach Redis: it is kept pending, and A bypasses its cache.
      const write = await timed(() =>
        a.http
          .patch(`/api/products/${product.id}`)
          .set('Authorization', s.staff.auth)
          .send({ price: 1999 })
          .then((r) => r),
      );
      expectStatus(write.value, 200);
      expect(write.ms).toBeLessThan(DEGRADED_MS);
      const after = await getProduct(a);
      expect(after.headers['x-cache']).toBe('BYPASS');
      expect((after.body as ProductBody).price).toBe(1999);
    },
  );

  faultIt(
    'still commits checkouts and status changes, stores notifications and pushes them to sockets on the same instance',
    async () => {
      const ownerSocket = await connectSocket(a.baseUrl, owner.accessToken);
      const staffSocket = await connectSocket(a.baseUrl, s.staff.accessToken);
      await s.addToCart(owner, product.id, 2);

      const created = nextEvent<{ orderId: string }>(staffSocket, 'order_created', 3_000);
      const checkout = await timed(() => s.checkout(owner, `redis-down-${owner.id}`));
      timings.checkoutWhileDown = Math.round(checkout.ms);
      expectStatus(checkout.value, 201);
      expect(checkout.ms).toBeLessThan(DEGRADED_MS * 2);
      orderId = (checkout.value.body as { id: string }).id;
      expect((await created).orderId).toBe(orderId);

      const pushed = nextEvent<{ orderId: string; newStatus: string }>(
        ownerSocket,
        'order_status_update',
        3_000,
      );
      const moved = await timed(() => s.move(orderId, 'confirmed'));
      timings.statusChangeWhileDown = Math.round(moved.ms);
      expectStatus(moved.value, 200);
      expect(await pushed).toMatchObject({ orderId, newStatus: 'confirmed' });

      const stored = await a.http.get('/api/notifications').set('Authorization', owner.auth);
      expectStatus(stored, 200);
      const types = (stored.body.items as Array<{ type: string; data: { orderId: string } }>)
        .filter((n) => n.data.orderId === orderId)
        .map((n) => n.type)
        .sort();
      expect(types).toEqual(['order_created', 'order_status_update']);

      // Logins count in memory meanwhile (rate limits stay on, the login does not fail).
      const login = await timed(() =>
        a.http
          .post('/api/auth/login')
          .send({ email: s.staff.email, password: s.staff.password })
          .then((r) => r),
      );
      expectStatus(login.value, 200);
      expect(login.ms).toBeLessThan(DEGRADED_MS * 2);
    },
  );

  faultIt('stays ready on /health/ready and reports Redis down', async () => {
    const health = await timed(() => ready(a));
    expectStatus(health.value, 200);
    expect(health.ms).toBeLessThan(DEGRADED_MS);
    expect(health.value.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' } },
      details: { database: { status: 'up' }, redis: { status: 'down' } },
    });
  });

  faultIt(
    'recovers by itself when Redis returns: ready reports it up, the pending invalidation lands (no stale read), HITs come back, pushes cross instances',
    async () => {
      const restarted = performance.now();
      await redis!.start(); // with the snapshot: the stale entry (price 1250) is back in Redis
      expect(Number((await redisCommand(redis!.port, 'DBSIZE'))?.slice(1))).toBeGreaterThan(0);
      const seen: Array<{ cache: string; price: number }> = [];
      const { ms: hitMs } = await waitFor(
        'a cache HIT on A after Redis returned',
        async () => {
          const res = await getProduct(a);
          seen.push({
            cache: String(res.headers['x-cache']),
            price: (res.body as ProductBody).price,
          });
          return res.headers['x-cache'] === 'HIT';
        },
        RECOVERY_MS,
        25,
      );
      timings.firstHitAfterRestart = Math.round(hitMs);
      // Never the price A's own write replaced, not even in the first moments.
      expect(seen.filter((r) => r.price !== 1999)).toEqual([]);
      expect(seen.some((r) => r.cache === 'MISS' || r.cache === 'BYPASS')).toBe(true);

      const health = await waitFor(
        'Redis up on /health/ready',
        async () => (await ready(a)).body.details?.redis?.status === 'up',
        RECOVERY_MS,
      );
      timings.readyReportsRedisUp = Math.round(performance.now() - restarted);
      expect(health.value).toBe(true);

      // B (which never saw the write) reads the new generation too.
      await waitFor(
        'B serving the new price',
        async () => ((await getProduct(b)).body as ProductBody).price === 1999,
        RECOVERY_MS,
      );
      timings.otherInstanceFresh = Math.round(performance.now() - restarted);

      // Pub/sub is back: a change made on A reaches the owner's socket on B.
      const onB = await connectSocket(b.baseUrl, owner.accessToken);
      let delivered = false;
      await waitFor(
        'a push from A reaching a socket on B',
        async () => {
          if (delivered) return true;
          const status = (
            await a.dataSource.query<Array<{ status: string }>>(
              'SELECT status FROM orders WHERE id = $1',
              [orderId],
            )
          )[0]?.status;
          const next = NEXT_STATUS[status ?? ''] ?? 'cancelled';
          const push = nextEvent<{ newStatus: string }>(
            onB,
            'order_status_update',
            1_000,
            (p) => p.newStatus === next,
          );
          expectStatus(await s.move(orderId, next), 200);
          delivered = !!(await push.catch(() => undefined));
          return delivered;
        },
        RECOVERY_MS,
        200,
      );
      timings.crossInstancePushBack = Math.round(performance.now() - restarted);
    },
    20_000,
  );
});

/** A Redis that hangs (SIGSTOP: connections open, no replies) rather than dies. */
describe('Redis hanging mid-run', () => {
  let redis: PrivateRedis | undefined;
  let t: TestApp;
  let s: Shop;
  let product: Product;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    if (!RUN) return;
    redis = await PrivateRedis.start();
    t = await createTestApp({ REDIS_URL: redis.url, AUTH_RATE_LIMIT: '1000' });
    s = await shop(t);
    product = await s.product();
  }, 30_000);

  afterAll(async () => {
    closeSockets();
    // eslint-disable-next-line no-console -- the measured numbers are part of the report
    if (RUN) console.log(`[faults] Redis hanging timings (ms): ${JSON.stringify(timings)}`);
    redis?.resume();
    await t?.close();
    await redis?.dispose();
  });

  faultIt(
    'answers every request within a bound while Redis hangs, and serves from the cache again once it answers',
    async () => {
      const [owner] = (await s.customers(1)) as [TestUser];
      await s.addToCart(owner, product.id, 1);
      const socket = await connectSocket(t.baseUrl, owner.accessToken);
      expectStatus(await t.http.get(`/api/products/${product.slug}`), 200);

      redis!.pause();
      const bounded = async (name: string, status: number, request: () => Promise<Response>) => {
        const { value, ms } = await timed(() => request());
        timings[name] = Math.round(ms);
        expectStatus(value, status);
        expect({ name, bounded: ms < HUNG_BOUND_MS }).toEqual({ name, bounded: true });
        return value;
      };
      const read = await bounded('catalogRead', 200, () =>
        t.http
          .get(`/api/products/${product.slug}`)
          .timeout(HUNG_BOUND_MS * 2)
          .then((r) => r),
      );
      expect(read.headers['x-cache']).toBe('BYPASS');
      await bounded('login', 200, () =>
        t.http
          .post('/api/auth/login')
          .send({ email: s.staff.email, password: s.staff.password })
          .timeout(HUNG_BOUND_MS * 2)
          .then((r) => r),
      );
      const checkout = await bounded('checkout', 201, () => s.checkout(owner));
      const orderId = (checkout.body as { id: string }).id;
      const pushed = nextEvent<{ orderId: string }>(socket, 'order_status_update', HUNG_BOUND_MS);
      await bounded('statusChange', 200, () => s.move(orderId, 'confirmed'));
      expect((await pushed).orderId).toBe(orderId);
      const health = await bounded('ready', 200, () =>
        t.http
          .get('/health/ready')
          .timeout(HUNG_BOUND_MS * 2)
          .then((r) => r),
      );
      expect(health.body.details.redis.status).toBe('down');

      redis!.resume();
      const back = performance.now();
      await waitFor(
        'a cache HIT once Redis answers again',
        async () =>
          (await t.http.get(`/api/products/${product.slug}`)).headers['x-cache'] === 'HIT',
        RECOVERY_MS,
      );
      timings.hitAfterResume = Math.round(performance.now() - back);
      expect((await t.http.get('/health/ready')).body.details.redis).toEqual({ status: 'up' });
    },
    40_000,
  );
});
