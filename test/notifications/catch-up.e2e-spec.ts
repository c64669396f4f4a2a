import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { closeSockets, connectSocket, nextEvent, recordEvents } from '../support/sockets.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  createProduct,
  expectStatus,
  listNotifications,
  moveOrder,
  type NotificationView,
  patchStatus,
  placeOrder,
  type PlacedOrder,
  quickUser,
  type StatusUpdatePush,
} from './notification-builders.js';

describe('catching up with ?after=<id>', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  /** Every notification strictly after `cursor`, paged by `limit` as a client would. */
  async function drainAfter(
    user: TestUser,
    cursor: string,
    limit: number,
  ): Promise<NotificationView[]> {
    const all: NotificationView[] = [];
    for (;;) {
      const page = await listNotifications(t, user, { after: cursor, limit });
      all.push(...page);
      if (page.length < limit) return all;
      cursor = page.at(-1)!.id;
    }
  }

  /** `count` orders of one user, each from its own product. */
  async function ordersOf(user: TestUser, count: number): Promise<PlacedOrder[]> {
    const product = await createProduct(t, { stock: 1_000 });
    const orders: PlacedOrder[] = [];
    // One at a time: a user has one cart.
    for (let i = 0; i < count; i += 1)
      orders.push(await placeOrder(t, user, { productId: product.id }));
    return orders;
  }

  it('returns exactly what was missed while disconnected, oldest first, once; then nothing', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const socket = await connectSocket(t.baseUrl, owner.accessToken);
    const pushed = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 1_000);
    await moveOrder(t, staff, order.id, 'confirmed');
    const lastSeen = (await pushed).notificationId;
    socket.disconnect();

    await moveOrder(t, staff, order.id, 'processing', 'shipped');

    const missed = await listNotifications(t, owner, { after: lastSeen });
    expect(missed.map((n) => [n.type, n.data.oldStatus, n.data.newStatus])).toEqual([
      ['order_status_update', 'confirmed', 'processing'],
      ['order_status_update', 'processing', 'shipped'],
    ]);
    expect(new Set(missed.map((n) => n.id)).size).toBe(2);
    expect(missed.every((n) => n.id > lastSeen)).toBe(true);
    expect(await listNotifications(t, owner, { after: missed[1].id })).toEqual([]);
    // The newest-first list agrees: the missed two on top, in reverse.
    const newestFirst = await listNotifications(t, owner, { limit: 2 });
    expect(newestFirst.map((n) => n.id)).toEqual([missed[1].id, missed[0].id]);
  });

  it('pages an after-list with limit, oldest first, each notification once', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const [created] = await listNotifications(t, owner);
    await moveOrder(
      t,
      staff,
      order.id,
      'confirmed',
      'processing',
      'shipped',
      'delivered',
      'refunded',
    );
    const caughtUp = await drainAfter(owner, created.id, 2);
    expect(caughtUp.map((n) => n.data.newStatus)).toEqual([
      'confirmed',
      'processing',
      'shipped',
      'delivered',
      'refunded',
    ]);
  });

  it('gives rapid concurrent changes of one user strictly increasing ids, in push order, all caught up once', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const orders = await ordersOf(owner, 12);
    const [newestBefore] = await listNotifications(t, owner, { limit: 1 });
    const socket = await connectSocket(t.baseUrl, owner.accessToken);
    const log = recordEvents<StatusUpdatePush>(socket, 'order_status_update');

    const responses = await Promise.all(
      orders.map((order) => patchStatus(t, staff, order.id, 'confirmed')),
    );
    for (const res of responses) expectStatus(res, 200);
    await log.waitFor(orders.length, 3_000);

    const pushedIds = log.payloads().map((p) => p.notificationId);
    expect(new Set(log.payloads().map((p) => p.orderId))).toEqual(new Set(orders.map((o) => o.id)));
    // Ids grow in the order the changes committed (a push follows its commit).
    for (let i = 1; i < pushedIds.length; i += 1)
      expect(pushedIds[i] > pushedIds[i - 1]).toBe(true);

    const caughtUp = await drainAfter(owner, newestBefore.id, 5);
    expect(caughtUp.map((n) => n.id)).toEqual(pushedIds);
    // A list in id order reads in time order too: no notification claims to predate one before it.
    const times = caughtUp.map((n) => Date.parse(n.createdAt));
    expect(times).toEqual([...times].sort((x, y) => x - y));
  });

  it('never lets a client polling with after skip or repeat a notification while changes commit', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const orders = await ordersOf(owner, 10);
    const [start] = await listNotifications(t, owner, { limit: 1 });

    let cursor = start.id;
    const seen: string[] = [];
    let changing = true;
    const poller = (async () => {
      // Poll as fast as the server answers until the changes are done, then once more.
      for (let last = false; ; last = !changing) {
        const page = await listNotifications(t, owner, { after: cursor, limit: 100 });
        seen.push(...page.map((n) => n.id));
        if (page.length > 0) cursor = page.at(-1)!.id;
        if (last) return;
      }
    })();
    // Two rounds, so changes of the same orders interleave with those of others.
    await Promise.all(orders.map((o) => moveOrder(t, staff, o.id, 'confirmed', 'processing')));
    changing = false;
    await poller;

    const stored = (await listNotifications(t, owner, { limit: 100 }))
      .filter((n) => n.id > start.id)
      .map((n) => n.id)
      .reverse();
    expect(stored).toHaveLength(orders.length * 2);
    expect(seen).toEqual(stored);
  });
});
