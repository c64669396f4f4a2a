import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from '@/orders/events/order-created.event.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import {
  createProduct,
  expectStatus,
  patchStatus,
  placeOrder,
  quickUser,
  SHIPPING_ADDRESS,
} from '../notifications/notification-builders.js';
import {
  createTestApp,
  JOBS_SCHEMA,
  type TestApp,
  type TestUser,
  theContract,
} from '../support/test-app.js';
import {
  createEndpoint,
  type CreatedEndpoint,
  deleteEndpoints,
  type DeliveryView,
  listDeliveries,
  type Received,
  verifySignature,
  WebhookReceiver,
} from './webhook-receiver.js';

/** Long enough for a delivery that was going to come to have come (dispatch + one poll). */
const QUIET_MS = 4_000;

/** Signed delivery of order events to a real HTTP receiver, retries, and what is never sent. */
describe('webhook delivery', () => {
  let t: TestApp;
  let admin: TestUser;
  let staff: TestUser;
  const receivers: WebhookReceiver[] = [];
  const endpoints: string[] = [];
  /** Orders (by id) and buyers (by user id) whose transaction an injected handler breaks. */
  const failInTransaction = new Set<string>();

  beforeAll(async () => {
    // Test speed (test-app): retries after 1–2 s, 3 s timeout. Receivers listen on 127.0.0.1.
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
    [admin, staff] = await Promise.all([quickUser(t, 'admin'), quickUser(t, 'staff')]);
    const bus = t.app.get(DomainEventBus);
    bus.onInTransaction(OrderStatusChanged, async (event) => {
      if (failInTransaction.has(event.orderId)) throw new Error('injected in-transaction failure');
      await Promise.resolve();
    });
    bus.onInTransaction(OrderCreated, async (event) => {
      if (failInTransaction.has(event.userId ?? ''))
        throw new Error('injected in-transaction failure');
      await Promise.resolve();
    });
  });
  afterEach(async () => {
    await deleteEndpoints(t, endpoints.splice(0));
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await t?.close();
  });

  /** A receiver with an endpoint of its own on `app`. */
  async function receiverWithEndpoint(
    app: TestApp = t,
    events?: string[],
  ): Promise<{ receiver: WebhookReceiver; endpoint: CreatedEndpoint }> {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    const endpoint = await createEndpoint(app, admin, receiver.url(), events);
    endpoints.push(endpoint.id);
    return { receiver, endpoint };
  }

  /** The delivery of `request` as `listWebhookDeliveries` shows it, once `until` holds (5 s at most). */
  async function deliveryOf(
    endpointId: string,
    request: Received,
    until: (d: DeliveryView) => boolean = () => true,
  ): Promise<DeliveryView | undefined> {
    // The attempt's outcome is written after the receiver answered: on a loaded machine that can
    // take seconds, so look for up to 20 s (the last view is returned, for the assertion to show).
    let delivery: DeliveryView | undefined;
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
      delivery = (await listDeliveries(t, admin, endpointId)).find(
        (d) => d.webhookId === request.webhookId,
      );
      if (delivery && until(delivery)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    return delivery;
  }
  const finished = (d: DeliveryView) => !['pending', 'retrying'].includes(d.status);

  it('delivers order.created signed per Standard Webhooks: the standardwebhooks package verifies it', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    const buyer = await quickUser(t);
    const order = await placeOrder(t, buyer, { quantity: 2 });
    await receiver.waitFor('order.created', () => receiver.forOrder(order.id).length > 0);
    const [request] = receiver.forOrder(order.id);

    expect(verifySignature(endpoint.secret, request)).toEqual(JSON.parse(request.body));
    expect(() =>
      verifySignature(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, request),
    ).toThrow();
    expect(request.webhookId).toMatch(/^msg_[0-9a-f-]{36}$/);
    expect(request.headers['content-type']).toBe('application/json');
    expect(Math.abs(Number(request.timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(request.json).toMatchObject({
      type: 'order.created',
      version: 1,
      data: {
        order: { id: order.id, number: order.number, status: 'pending', total: order.total },
        customer: { id: buyer.id, email: buyer.email },
      },
    });
    expect(request.json.data.order.items).toHaveLength(1);
    expect(request.json.data.order.items[0]).toMatchObject({ quantity: 2 });
    // What receivers generate their types from (openapi.json's webhooks) describes it exactly.
    theContract().checkWebhook('order.created', request.json);
    // The body's id is the event's, the same for every endpoint; webhook-id is the delivery's.
    const [{ id: eventId }] = await t.dataSource.query<Array<{ id: string }>>(
      `SELECT id FROM outbox_events WHERE aggregate_id = $1 AND type = 'order.created'`,
      [order.id],
    );
    expect(request.json.id).toBe(eventId);
    const delivery = await deliveryOf(endpoint.id, request, finished);
    expect(delivery).toMatchObject({
      eventId,
      eventType: 'order.created',
      status: 'succeeded',
      attempts: 1,
      lastStatusCode: 204,
      nextAttemptAt: null,
    });
  });

  it('delivers order.status_changed with the previous status and who changed it', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint(t, ['order.status_changed']);
    const order = await placeOrder(t, await quickUser(t));
    expectStatus(await patchStatus(t, staff, order.id, 'confirmed'), 200);
    await receiver.waitFor('status change', () => receiver.forOrder(order.id).length > 0);
    const [request] = receiver.forOrder(order.id);
    verifySignature(endpoint.secret, request);
    expect(request.json).toMatchObject({
      type: 'order.status_changed',
      version: 1,
      data: {
        order: { id: order.id, status: 'confirmed' },
        previousStatus: 'pending',
        changedBy: 'staff',
      },
    });
    theContract().checkWebhook('order.status_changed', request.json);
    // Subscribed to status changes only: its order.created never came.
    expect(receiver.forOrder(order.id, 'order.created')).toHaveLength(0);
  });

  it('a receiver that fails twice gets the event on the third try, with the same webhook-id', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respond((_request, seen) => (seen <= 2 ? { status: 503 } : { status: 200 }));
    const order = await placeOrder(t, await quickUser(t));
    await receiver.waitFor('third attempt', () => receiver.forOrder(order.id).length >= 3, 20_000);
    const attempts = receiver.forOrder(order.id);
    expect(new Set(attempts.map((r) => r.webhookId)).size).toBe(1);
    // Each attempt is signed afresh, and verifies.
    for (const request of attempts) verifySignature(endpoint.secret, request);
    expect(receiver.processed.has(attempts[0].webhookId)).toBe(true);

    const delivery = await deliveryOf(endpoint.id, attempts[0], finished);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 3, lastStatusCode: 200 });
    expect(delivery!.attemptLog.map((a) => [a.attempt, a.result, a.statusCode])).toEqual([
      [3, 'success', 200],
      [2, 'http_error', 503],
      [1, 'http_error', 503],
    ]);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.forOrder(order.id)).toHaveLength(3);
  });

  it('shows the next attempt of a retrying delivery', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respond(() => ({ status: 500 }));
    const order = await placeOrder(t, await quickUser(t));
    await receiver.waitFor('first attempt', () => receiver.forOrder(order.id).length >= 1);
    const delivery = await deliveryOf(
      endpoint.id,
      receiver.forOrder(order.id)[0],
      (d) => d.nextAttemptAt !== null,
    );
    expect(delivery).toMatchObject({
      status: 'retrying',
      lastStatusCode: 500,
      lastError: 'HTTP 500',
    });
    expect(Date.parse(delivery!.nextAttemptAt!)).toBeGreaterThan(Date.now() - 5_000);
  });

  it('makes the first retry within 10 s with the default WEBHOOK_RETRY_BASE', async () => {
    // An engine of its own: the file's queue keeps the test speed settings.
    const normal = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE: undefined,
      JOBS_SCHEMA: `${JOBS_SCHEMA}_default_retry`,
    });
    try {
      const { receiver } = await receiverWithEndpoint(normal);
      receiver.respond((_request, seen) => (seen === 1 ? { status: 503 } : { status: 204 }));
      const order = await placeOrder(normal, await quickUser(normal));
      await receiver.waitFor('retry', () => receiver.forOrder(order.id).length >= 2, 20_000);
      const [first, second] = receiver.forOrder(order.id);
      const gap = second.at - first.at;
      expect(gap).toBeGreaterThanOrEqual(3_500); // 4–8 s by the backoff, then one poll
      expect(gap).toBeLessThan(10_000);
    } finally {
      await normal.close();
    }
  });

  it('records a receiver slower than WEBHOOK_TIMEOUT as a timeout, and retries', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respond((_request, seen) =>
      seen === 1 ? { status: 200, delayMs: 6_000 } : { status: 200 },
    );
    const order = await placeOrder(t, await quickUser(t));
    await receiver.waitFor(
      'retry after the timeout',
      () => receiver.forOrder(order.id).length >= 2,
      20_000,
    );
    const [first, second] = receiver.forOrder(order.id);
    expect(second.webhookId).toBe(first.webhookId);
    const delivery = await deliveryOf(endpoint.id, first, finished);
    const log = delivery!.attemptLog.map((a) => [a.attempt, a.result, a.error]);
    expect(log).toEqual([
      [2, 'success', null],
      [1, 'timeout', 'timeout after 3000 ms'],
    ]);
  });

  it('does not follow a redirect: a 3xx is a failure and its Location is never requested', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    const trap = await WebhookReceiver.start();
    receivers.push(trap);
    receiver.respond((_request, seen) =>
      seen === 1 ? { status: 302, headers: { location: trap.url('/elsewhere') } } : { status: 204 },
    );
    const order = await placeOrder(t, await quickUser(t));
    await receiver.waitFor(
      'retry after the redirect',
      () => receiver.forOrder(order.id).length >= 2,
      20_000,
    );
    expect(trap.received).toHaveLength(0);
    const delivery = await deliveryOf(endpoint.id, receiver.forOrder(order.id)[0], finished);
    expect(delivery!.attemptLog.at(-1)).toMatchObject({
      attempt: 1,
      result: 'redirect',
      statusCode: 302,
      error: 'redirect (302) not followed',
    });
  });

  it('disables an endpoint that answers 410 Gone, saying so, and sends it nothing more', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint();
    receiver.respond(() => ({ status: 410 }));
    const buyer = await quickUser(t);
    const order = await placeOrder(t, buyer);
    await receiver.waitFor('the 410', () => receiver.forOrder(order.id).length >= 1);
    let shown = (await t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth))
      .body as {
      enabled: boolean;
      disabledReason: string | null;
    };
    for (let i = 0; i < 50 && shown.enabled; i++) {
      await new Promise((r) => setTimeout(r, 100));
      shown = (await t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth))
        .body as typeof shown;
    }
    expect(shown).toMatchObject({ enabled: false, disabledReason: 'receiver answered 410 Gone' });
    const delivery = await deliveryOf(endpoint.id, receiver.forOrder(order.id)[0], finished);
    expect(delivery).toMatchObject({ status: 'cancelled', attempts: 1, lastStatusCode: 410 });

    const later = await placeOrder(t, buyer);
    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(receiver.forOrder(later.id)).toHaveLength(0);
    expect(receiver.forOrder(order.id)).toHaveLength(1);
  });

  it('sends nothing for changes that roll back', async () => {
    const { receiver } = await receiverWithEndpoint();
    const buyer = await quickUser(t);
    const order = await placeOrder(t, buyer);
    await receiver.waitFor('order.created', () => receiver.forOrder(order.id).length > 0);

    failInTransaction.add(order.id);
    expect((await patchStatus(t, staff, order.id, 'confirmed')).status).toBe(500);
    // A checkout that rolls back: no order, no event.
    const other = await quickUser(t);
    failInTransaction.add(other.id);
    const product = await createProduct(t);
    expectStatus(
      await t.http
        .post('/api/cart/items')
        .set('Authorization', other.auth)
        .send({ productId: product.id, quantity: 1 }),
      200,
    );
    expect(
      (
        await t.http
          .post('/api/orders')
          .set('Authorization', other.auth)
          .send({ shippingAddress: SHIPPING_ADDRESS })
      ).status,
    ).toBe(500);

    await new Promise((r) => setTimeout(r, QUIET_MS));
    expect(receiver.forOrder(order.id, 'order.status_changed')).toHaveLength(0);
    expect(receiver.received.filter((r) => r.json.data?.customer?.id === other.id)).toHaveLength(0);
    const [{ n }] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM outbox_events
        WHERE (aggregate_id = $1 AND type = 'order.status_changed') OR user_id = $2`,
      [order.id, other.id],
    );
    expect(n).toBe(0);
  });
});
