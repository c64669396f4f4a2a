import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import {
  closeSockets,
  connectError,
  connectSocket,
  disconnected,
  expectNoEvent,
  nextEvent,
  recordEvents,
} from '../support/sockets.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { GUEST_ENV, guestCheckout } from './guest-checkout-helpers.js';

interface StatusUpdate {
  orderId: string;
  oldStatus: string;
  newStatus: string;
  notificationId: string | null;
}

/** A guest follows their order live: `auth: {orderToken}` joins that order's room, nothing else. */
describe('guest sockets', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let g: ReturnType<typeof guestCheckout>;
  let productId: string;
  beforeAll(async () => {
    t = await createTestApp({ ...GUEST_ENV, SOCKETS_PER_USER: '2' });
    b = await orderBuilders(t);
    g = guestCheckout(t);
    productId = (await b.product({ stock: 100 })).id;
  });
  afterEach(() => closeSockets());
  afterAll(async () => {
    await t.close();
  });

  it('gets its order’s status changes and nothing else', async () => {
    const order = await g.order(productId);
    const other = await g.order(productId);
    const socket = await connectSocket(t.baseUrl, undefined, {
      auth: { orderToken: order.guestToken },
    });
    const updates = recordEvents<StatusUpdate>(socket, 'order_status_update');
    const created = recordEvents(socket, 'order_created');

    const mine = nextEvent<StatusUpdate>(socket, 'order_status_update', 5_000);
    expectStatus(await b.move(order.id, { status: 'confirmed' }), 200);
    expect(await mine).toMatchObject({
      orderId: order.id,
      oldStatus: 'pending',
      newStatus: 'confirmed',
      notificationId: null,
    });

    // Another order's change, a new order, a customer's order: none reach it.
    expectStatus(await b.move(other.id, { status: 'confirmed' }), 200);
    await g.order(productId);
    const placed = await b.placeOrder();
    expectStatus(await b.move(placed.order.id, { status: 'confirmed' }), 200);
    await expectNoEvent(
      socket,
      'order_status_update',
      1_000,
      (p: StatusUpdate) => p.orderId !== order.id,
    );
    expect(updates.payloads().map((p) => p.orderId)).toEqual([order.id]);
    expect(created.events).toEqual([]);
  });

  it('refuses a wrong, malformed or missing order token as it refuses a bad access token', async () => {
    for (const orderToken of ['A'.repeat(43), 'short', '']) {
      const error = await connectError(t.baseUrl, { auth: { orderToken } });
      expect(error.message).toBe('unauthorized');
    }
  });

  it('keeps at most SOCKETS_PER_USER sockets per guest order, closing the oldest', async () => {
    const order = await g.order(productId);
    const auth = { orderToken: order.guestToken };
    const oldest = await connectSocket(t.baseUrl, undefined, { auth });
    const told = nextEvent<{ limit: number; reason: string }>(oldest, 'session_limit', 5_000);
    const gone = disconnected(oldest, 5_000);
    await connectSocket(t.baseUrl, undefined, { auth });
    await connectSocket(t.baseUrl, undefined, { auth });
    expect(await told).toMatchObject({ limit: 2, reason: expect.stringContaining('guest order') });
    expect(await gone).toBe('io server disconnect');
  });
});
