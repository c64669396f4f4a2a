import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from '@/orders/events/order-created.event.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import {
  closeSockets,
  connectSocket,
  expectNoEvent,
  nextEvent,
  recordEvents,
} from '../support/sockets.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  createProduct,
  expectStatus,
  forOrder,
  listNotifications,
  type OrderCreatedPush,
  patchStatus,
  placeOrder,
  quickUser,
  SHIPPING_ADDRESS,
  type StatusUpdatePush,
  storedNotificationCount,
} from './notification-builders.js';

/** Long enough for a push that was going to come to have come. */
const QUIET_MS = 800;

describe('rolled-back and failing changes', () => {
  let t: TestApp;
  /** Orders (by id) and buyers (by user id) whose transaction an injected handler breaks. */
  const failInTransaction = new Set<string>();
  const failAfterCommit = new Set<string>();

  beforeAll(async () => {
    t = await createTestApp();
    const bus = t.app.get(DomainEventBus);
    // Registered after the app's own handlers: they have written their rows when this throws.
    bus.onInTransaction(OrderStatusChanged, async (event) => {
      if (failInTransaction.has(event.orderId)) throw new Error('injected in-transaction failure');
      await Promise.resolve();
    });
    bus.onInTransaction(OrderCreated, async (event) => {
      if (failInTransaction.has(event.userId ?? ''))
        throw new Error('injected in-transaction failure');
      await Promise.resolve();
    });
    bus.onAfterCommit(OrderStatusChanged, (event) => {
      if (failAfterCommit.has(event.orderId)) throw new Error('injected after-commit failure');
    });
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await t.close();
  });

  it('pushes nothing and stores nothing when a status change rolls back, and the order keeps its status', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    const ownerSocket = await connectSocket(t.baseUrl, owner.accessToken);
    const staffSocket = await connectSocket(t.baseUrl, staff.accessToken);
    const storedBefore = await storedNotificationCount(t, owner.id);
    failInTransaction.add(order.id);

    const ownerQuiet = expectNoEvent(ownerSocket, 'order_status_update', QUIET_MS);
    const staffQuiet = expectNoEvent(
      staffSocket,
      'order_status_update',
      QUIET_MS,
      forOrder(order.id),
    );
    const res = await patchStatus(t, staff, order.id, 'confirmed');
    expect(res.status).toBe(500);
    await ownerQuiet;
    await staffQuiet;

    expect(await storedNotificationCount(t, owner.id)).toBe(storedBefore);
    expect((await listNotifications(t, owner)).map((n) => n.type)).toEqual(['order_created']);
    const current = expectStatus(
      await t.http.get(`/api/orders/${order.id}`).set('Authorization', owner.auth),
      200,
    ).body as { status: string; history: unknown[] };
    expect(current.status).toBe('pending');
    expect(current.history).toHaveLength(1);
  });

  it('delivers the next change of that order once, with no trace of the rolled-back one', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    failInTransaction.add(order.id);
    expect((await patchStatus(t, staff, order.id, 'confirmed')).status).toBe(500);
    failInTransaction.delete(order.id);

    const socket = await connectSocket(t.baseUrl, owner.accessToken);
    const log = recordEvents<StatusUpdatePush>(socket, 'order_status_update');
    const pushed = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 1_000);
    expectStatus(await patchStatus(t, staff, order.id, 'confirmed'), 200);
    const payload = await pushed;
    await new Promise((resolve) => setTimeout(resolve, QUIET_MS));

    expect(log.payloads()).toEqual([payload]);
    expect(payload).toMatchObject({ oldStatus: 'pending', newStatus: 'confirmed' });
    const stored = await listNotifications(t, owner);
    expect(stored.map((n) => n.type)).toEqual(['order_status_update', 'order_created']);
    expect(stored[0].id).toBe(payload.notificationId);
  });

  it('pushes no order_created and stores nothing when a checkout rolls back', async () => {
    const [buyer, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const product = await createProduct(t);
    expectStatus(
      await t.http
        .post('/api/cart/items')
        .set('Authorization', buyer.auth)
        .send({ productId: product.id, quantity: 1 }),
      200,
    );
    const staffSocket = await connectSocket(t.baseUrl, staff.accessToken);
    const quiet = expectNoEvent<OrderCreatedPush>(
      staffSocket,
      'order_created',
      QUIET_MS,
      (p) => p.userId === buyer.id,
    );
    failInTransaction.add(buyer.id);
    const res = await t.http
      .post('/api/orders')
      .set('Authorization', buyer.auth)
      .send({ shippingAddress: SHIPPING_ADDRESS });
    failInTransaction.delete(buyer.id);
    expect(res.status).toBe(500);
    await quiet;
    expect(await storedNotificationCount(t, buyer.id)).toBe(0);
    const orders = expectStatus(
      await t.http.get('/api/orders').set('Authorization', buyer.auth),
      200,
    ).body as { items: unknown[] };
    expect(orders.items).toEqual([]);
  });

  it('still answers, stores and pushes when another after-commit handler throws', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner);
    failAfterCommit.add(order.id);
    const socket = await connectSocket(t.baseUrl, owner.accessToken);
    const pushed = nextEvent<StatusUpdatePush>(socket, 'order_status_update', 1_000);
    expectStatus(await patchStatus(t, staff, order.id, 'confirmed'), 200);
    expect(await pushed).toMatchObject({ orderId: order.id, newStatus: 'confirmed' });
    expect(await storedNotificationCount(t, owner.id)).toBe(2);
  });
});
