import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { closeSockets, connectSocket, nextEvent, recordEvents } from '../support/sockets.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  expectStatus,
  listNotifications,
  type OrderCreatedPush,
  patchStatus,
  placeOrder,
  quickUser,
  type StatusUpdatePush,
} from './notification-builders.js';

/** The run's Redis (DESIGN.md: suites use real Redis when `REDIS_URL` is set). */
const REDIS_URL = process.env.REDIS_URL;
const NEEDS_REDIS = '[needs REDIS_URL: skipped without it]';
const redisIt = REDIS_URL ? it : it.skip;

/** Long enough for a duplicate (a local emit echoed back through Redis) to show up. */
const QUIET_MS = 500;

describe(`delivery across instances ${NEEDS_REDIS}`, () => {
  let a: TestApp | undefined;
  let b: TestApp | undefined;

  if (!REDIS_URL) {
    // Here, not in beforeAll: Jest runs no hook of a block whose tests are all skipped.
    // eslint-disable-next-line no-console -- a skipped test must never be silent
    console.warn(
      'REDIS_URL is unset: SKIPPED the cross-instance Socket.IO tests of test/notifications/redis-delivery. Set REDIS_URL to run them.',
    );
  }
  beforeAll(async () => {
    if (!REDIS_URL) return;
    [a, b] = await Promise.all([createTestApp({ REDIS_URL }), createTestApp({ REDIS_URL })]);
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
  });

  redisIt(
    `pushes a change made through instance A to the owner's socket on instance B ${NEEDS_REDIS}`,
    async () => {
      const [owner, staff] = await Promise.all([quickUser(a!), quickUser(a!, 'staff')]);
      const order = await placeOrder(a!, owner);
      const onB = await connectSocket(b!.baseUrl, owner.accessToken);
      const onA = await connectSocket(a!.baseUrl, owner.accessToken);
      const logB = recordEvents<StatusUpdatePush>(onB, 'order_status_update');
      const logA = recordEvents<StatusUpdatePush>(onA, 'order_status_update');
      const pushedB = nextEvent<StatusUpdatePush>(onB, 'order_status_update', 1_000);

      expectStatus(await patchStatus(a!, staff, order.id, 'confirmed'), 200);
      const payload = await pushedB;
      expect(payload).toMatchObject({
        orderId: order.id,
        orderNumber: order.number,
        oldStatus: 'pending',
        newStatus: 'confirmed',
      });
      // B's REST sees the same stored notification the push names.
      const [newest] = await listNotifications(b!, owner);
      expect(newest.id).toBe(payload.notificationId);

      // Each socket, local or remote to the change, gets it exactly once.
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
      expect(logB.payloads()).toEqual([payload]);
      expect(logA.payloads()).toEqual([payload]);
    },
  );

  redisIt(
    `gives a staff socket on instance B order_created and order_status_update from instance A ${NEEDS_REDIS}`,
    async () => {
      const [owner, staff] = await Promise.all([quickUser(a!), quickUser(a!, 'staff')]);
      const staffOnB = await connectSocket(b!.baseUrl, staff.accessToken);
      const created = nextEvent<OrderCreatedPush>(
        staffOnB,
        'order_created',
        1_500,
        (p) => p.userId === owner.id,
      );
      const order = await placeOrder(a!, owner);
      expect(await created).toMatchObject({ orderId: order.id, total: order.total });

      const updated = nextEvent<StatusUpdatePush>(
        staffOnB,
        'order_status_update',
        1_000,
        (p) => p.orderId === order.id,
      );
      expectStatus(await patchStatus(a!, staff, order.id, 'confirmed'), 200);
      expect(await updated).toMatchObject({ newStatus: 'confirmed' });
    },
  );

  redisIt(
    `keeps another deployment on the same Redis server (another database) out of it ${NEEDS_REDIS}`,
    async () => {
      // Pub/sub channels ignore Redis database numbers: the adapter's prefix must not.
      const otherDb = new URL(REDIS_URL!);
      otherDb.pathname = '/3';
      const other = await createTestApp({ REDIS_URL: otherDb.toString() });
      try {
        const [owner, staff] = await Promise.all([quickUser(a!), quickUser(a!, 'staff')]);
        const staffOnOther = await connectSocket(other.baseUrl, staff.accessToken);
        const staffOnB = await connectSocket(b!.baseUrl, staff.accessToken);
        const leaked = recordEvents<StatusUpdatePush>(staffOnOther, 'order_status_update');
        const order = await placeOrder(a!, owner);
        const onB = nextEvent<StatusUpdatePush>(
          staffOnB,
          'order_status_update',
          1_000,
          (p) => p.orderId === order.id,
        );
        expectStatus(await patchStatus(a!, staff, order.id, 'confirmed'), 200);
        expect(await onB).toMatchObject({ orderId: order.id, newStatus: 'confirmed' });
        await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
        expect(leaked.payloads()).toEqual([]);
      } finally {
        closeSockets();
        await other.close();
      }
    },
  );
});

describe('a Redis that cannot be reached', () => {
  let t: TestApp;
  beforeAll(async () => {
    // Nothing listens on port 1: every publish fails.
    t = await createTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  it("still answers the status change, stores the notification and pushes to this instance's sockets", async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const ownerSocket = await connectSocket(t.baseUrl, owner.accessToken);
    const staffSocket = await connectSocket(t.baseUrl, staff.accessToken);
    const toOwner = nextEvent<StatusUpdatePush>(ownerSocket, 'order_status_update', 1_000);
    const toStaff = nextEvent<StatusUpdatePush>(
      staffSocket,
      'order_status_update',
      1_000,
      (p) => p.orderId === order.id,
    );

    const startedAt = performance.now();
    const res = await patchStatus(t, staff, order.id, 'confirmed');
    expectStatus(res, 200);
    // Not held up waiting on Redis either (a wait would last its 2 s connect timeout, or forever).
    expect(performance.now() - startedAt).toBeLessThan(2_000);
    const payload = await toOwner;
    expect(payload).toMatchObject({ orderId: order.id, newStatus: 'confirmed' });
    expect(await toStaff).toEqual(payload);

    const [newest] = await listNotifications(t, owner);
    expect(newest).toMatchObject({
      id: payload.notificationId,
      type: 'order_status_update',
      data: { orderId: order.id, oldStatus: 'pending', newStatus: 'confirmed' },
    });
  });

  it('still takes checkouts and pushes order_created locally', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const staffSocket = await connectSocket(t.baseUrl, staff.accessToken);
    const created = nextEvent<OrderCreatedPush>(
      staffSocket,
      'order_created',
      1_500,
      (p) => p.userId === owner.id,
    );
    const order = await placeOrder(t, owner);
    expect(await created).toMatchObject({ orderId: order.id });
  });
});
