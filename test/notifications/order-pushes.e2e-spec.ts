import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { type OrderStatusUpdatePayload, userRoom } from '@/notifications/socket-events.js';
import { NotificationsGateway } from '@/notifications/notifications.gateway.js';
import {
  closeSockets,
  connectSocket,
  connected,
  nextEvent,
  openSocket,
  recordEvents,
} from '../support/sockets.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  expectStatus,
  forOrder,
  ISO_DATE,
  listNotifications,
  moveOrder,
  type OrderCreatedPush,
  patchStatus,
  placeOrder,
  quickUser,
  type StatusUpdatePush,
  UUID,
} from './notification-builders.js';

/** How long a socket must stay quiet to count as "did not receive it". */
const QUIET_MS = 400;

const STATUS_UPDATE_KEYS = [
  'message',
  'newStatus',
  'notificationId',
  'oldStatus',
  'orderId',
  'orderNumber',
  'timestamp',
];
const ORDER_CREATED_KEYS = ['currency', 'orderId', 'orderNumber', 'timestamp', 'total', 'userId'];

describe('order pushes on /notifications', () => {
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

  it('pushes order_status_update, with exactly the documented fields, to the owner within 1 s and not to another customer', async () => {
    const [owner, stranger, staff] = await Promise.all([
      quickUser(t),
      quickUser(t),
      quickUser(t, 'staff'),
    ]);
    const order = await placeOrder(t, owner);
    const ownerSocket = await connectSocket(t.baseUrl, owner.accessToken);
    const strangerSocket = await connectSocket(t.baseUrl, stranger.accessToken);
    const strangerGot = recordEvents(strangerSocket, 'order_status_update');

    const pushed = nextEvent<StatusUpdatePush>(ownerSocket, 'order_status_update', 1_000);
    const startedAt = performance.now();
    const before = new Date();
    const res = await patchStatus(t, staff, order.id, 'confirmed');
    const payload = await pushed;
    const latencyMs = performance.now() - startedAt;
    expectStatus(res, 200);

    expect(latencyMs).toBeLessThan(1_000);
    expect(Object.keys(payload).sort()).toEqual(STATUS_UPDATE_KEYS);
    expect(payload).toEqual({
      notificationId: expect.stringMatching(UUID),
      orderId: order.id,
      orderNumber: order.number,
      oldStatus: 'pending',
      newStatus: 'confirmed',
      message: expect.stringContaining(order.number),
      timestamp: expect.stringMatching(ISO_DATE),
    });
    expect(Date.parse(payload.timestamp)).toBeGreaterThanOrEqual(before.getTime() - 5);
    expect(Date.parse(payload.timestamp)).toBeLessThanOrEqual(Date.now());
    // The push names the stored notification a client would otherwise fetch.
    const [newest] = await listNotifications(t, owner);
    expect(newest).toMatchObject({ id: payload.notificationId, message: payload.message });

    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));
    expect(strangerGot.events).toEqual([]);
  });

  it('pushes every change of an order to its owner once, in order', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const socket = await connectSocket(t.baseUrl, owner.accessToken);
    const log = recordEvents<StatusUpdatePush>(socket, 'order_status_update');

    const shipped = nextEvent<StatusUpdatePush>(
      socket,
      'order_status_update',
      2_000,
      (p) => p.newStatus === 'shipped',
    );
    await moveOrder(t, staff, order.id, 'confirmed', 'processing', 'shipped');
    await shipped;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));

    expect(log.payloads().map((p) => [p.oldStatus, p.newStatus])).toEqual([
      ['pending', 'confirmed'],
      ['confirmed', 'processing'],
      ['processing', 'shipped'],
    ]);
    const ids = log.payloads().map((p) => p.notificationId);
    expect(new Set(ids).size).toBe(3);
  });

  it('pushes a cancellation by the owner to the owner', async () => {
    const owner = await quickUser(t);
    const order = await placeOrder(t, owner);
    const socket = await connectSocket(t.baseUrl, owner.accessToken);
    const pushed = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 1_000);
    // Not the status code: that is the orders suite's concern (the API guide says 200).
    const res = await t.http
      .post(`/api/orders/${order.id}/cancel`)
      .set('Authorization', owner.auth)
      .send({});
    expect(res.body).toMatchObject({ id: order.id, status: 'cancelled' });
    expect(await pushed).toMatchObject({
      orderId: order.id,
      oldStatus: 'pending',
      newStatus: 'cancelled',
    });
  });

  it.each(['staff', 'admin'] as const)(
    'gives a %s socket order_created on checkout and every order_status_update',
    async (role) => {
      const [owner, operator] = await Promise.all([quickUser(t), quickUser(t, role)]);
      const socket = await connectSocket(t.baseUrl, operator.accessToken);

      const log = recordEvents<OrderCreatedPush>(socket, 'order_created');
      const created = nextEvent<OrderCreatedPush>(
        socket,
        'order_created',
        2_000,
        (p) => p.userId === owner.id,
      );
      const before = Date.now();
      const order = await placeOrder(t, owner, { quantity: 2 });
      await created;
      await new Promise((resolve) => setTimeout(resolve, QUIET_MS)); // a duplicate would show
      const mine = log.payloads(forOrder(order.id));
      expect(mine).toHaveLength(1);
      expect(Object.keys(mine[0]).sort()).toEqual(ORDER_CREATED_KEYS);
      expect(mine[0]).toEqual({
        orderId: order.id,
        orderNumber: order.number,
        userId: owner.id,
        total: order.total,
        currency: order.currency,
        timestamp: expect.stringMatching(ISO_DATE),
      });
      expect(Date.parse(mine[0].timestamp)).toBeGreaterThanOrEqual(before - 5);

      const updates = recordEvents<StatusUpdatePush>(socket, 'order_status_update');
      const shipped = nextEvent<StatusUpdatePush>(
        socket,
        'order_status_update',
        2_000,
        (p) => p.orderId === order.id && p.newStatus === 'shipped',
      );
      await moveOrder(t, operator, order.id, 'confirmed', 'processing', 'shipped');
      await shipped;
      const forThisOrder = updates.payloads(forOrder(order.id));
      expect(forThisOrder.map((p) => p.newStatus)).toEqual(['confirmed', 'processing', 'shipped']);
      for (const p of forThisOrder) expect(Object.keys(p).sort()).toEqual(STATUS_UPDATE_KEYS);
    },
  );

  it('never gives a customer socket order_created, for its own checkout or anyone else’s', async () => {
    const [customer, other, staff] = await Promise.all([
      quickUser(t),
      quickUser(t),
      quickUser(t, 'staff'),
    ]);
    const customerSocket = await connectSocket(t.baseUrl, customer.accessToken);
    const staffSocket = await connectSocket(t.baseUrl, staff.accessToken);
    // Counted from the start, judged once staff saw both (bounds generous for a loaded machine).
    let customerGot = 0;
    customerSocket.on('order_created', () => {
      customerGot += 1;
    });

    const staffSawOther = nextEvent<OrderCreatedPush>(
      staffSocket,
      'order_created',
      10_000,
      (p) => p.userId === other.id,
    );
    const staffSawOwn = nextEvent<OrderCreatedPush>(
      staffSocket,
      'order_created',
      10_000,
      (p) => p.userId === customer.id,
    );
    await placeOrder(t, customer);
    await placeOrder(t, other);
    // Both reached staff, so they were emitted; the customer got neither.
    await staffSawOwn;
    await staffSawOther;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(customerGot).toBe(0);
  });

  it('delivers an event emitted as soon as connect fires (rooms are joined in the middleware)', async () => {
    const owner = await quickUser(t);
    const gateway = t.app.get(NotificationsGateway);
    const socket = openSocket(t.baseUrl, { token: owner.accessToken });
    const marker: OrderStatusUpdatePayload = {
      notificationId: '00000000-0000-7000-8000-000000000000',
      orderId: '00000000-0000-4000-8000-000000000001',
      orderNumber: '1',
      oldStatus: 'pending',
      newStatus: 'confirmed',
      message: 'emitted from the connect listener',
      timestamp: new Date().toISOString(),
    };
    const received = nextEvent(socket, 'order_status_update', 1_000);
    socket.on('connect', () => {
      gateway.sendTo([userRoom(owner.id)], 'order_status_update', marker);
    });
    await connected(socket);
    expect(await received).toEqual(marker);
  });

  it('delivers a real status change requested from the connect listener', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const socket = openSocket(t.baseUrl, { token: owner.accessToken });
    const received = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 2_000);
    let change: Promise<unknown> | undefined;
    socket.on('connect', () => {
      change = patchStatus(t, staff, order.id, 'confirmed').then((res) => expectStatus(res, 200));
    });
    await connected(socket);
    expect(await received).toMatchObject({ orderId: order.id, newStatus: 'confirmed' });
    await change;
  });
});
