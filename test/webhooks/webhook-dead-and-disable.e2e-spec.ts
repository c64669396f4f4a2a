import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { placeOrder, quickUser } from '../notifications/notification-builders.js';
import { createTestApp, JOBS_SCHEMA, type TestApp, type TestUser } from '../support/test-app.js';
import { expectError } from '../support/expect-error.js';
import {
  createEndpoint,
  deleteEndpoints,
  type DeliveryView,
  listDeliveries,
  WebhookReceiver,
} from './webhook-receiver.js';

/** The end of the road: dead deliveries, redelivery, and endpoints disabled for failing too long. */
describe('dead deliveries and disabled endpoints', () => {
  let t: TestApp;
  let admin: TestUser;
  const receivers: WebhookReceiver[] = [];
  const endpoints: string[] = [];

  beforeAll(async () => {
    // Two attempts in all, one second apart.
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', WEBHOOK_MAX_ATTEMPTS: '2' });
    admin = await quickUser(t, 'admin');
  });
  afterEach(async () => {
    await deleteEndpoints(t, endpoints.splice(0));
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });
  afterAll(async () => {
    await t?.close();
  });

  async function receiverWithEndpoint(app: TestApp, appAdmin: TestUser) {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    const endpoint = await createEndpoint(app, appAdmin, receiver.url(), ['order.created']);
    endpoints.push(endpoint.id);
    return { receiver, endpoint };
  }

  async function waitForDelivery(
    app: TestApp,
    appAdmin: TestUser,
    endpointId: string,
    webhookId: string,
    until: (d: DeliveryView) => boolean,
  ): Promise<DeliveryView> {
    for (let i = 0; i < 200; i++) {
      const delivery = (await listDeliveries(app, appAdmin, endpointId)).find(
        (d) => d.webhookId === webhookId,
      );
      if (delivery && until(delivery)) return delivery;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`delivery ${webhookId} never got there`);
  }

  it('leaves a delivery dead after its last attempt; redelivery sends it again with the same webhook-id', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint(t, admin);
    receiver.respond(() => ({ status: 503 }));
    const order = await placeOrder(t, await quickUser(t));
    await receiver.waitFor('two attempts', () => receiver.forOrder(order.id).length >= 2);
    const webhookId = receiver.forOrder(order.id)[0].webhookId;
    const dead = await waitForDelivery(
      t,
      admin,
      endpoint.id,
      webhookId,
      (d) => d.status === 'dead',
    );
    expect(dead).toMatchObject({ attempts: 2, lastStatusCode: 503, nextAttemptAt: null });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(receiver.forOrder(order.id)).toHaveLength(2);

    receiver.respond(() => ({ status: 200 }));
    const res = await t.http
      .post(`/api/webhooks/${endpoint.id}/deliveries/${dead.id}/redeliver`)
      .set('Authorization', admin.auth);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ id: dead.id, webhookId, status: 'pending' });
    // Asked twice at once: still one attempt (one job per delivery while one is queued).
    await t.http
      .post(`/api/webhooks/${endpoint.id}/deliveries/${dead.id}/redeliver`)
      .set('Authorization', admin.auth)
      .expect(202);
    await receiver.waitFor('the redelivery', () => receiver.forOrder(order.id).length >= 3);
    const done = await waitForDelivery(
      t,
      admin,
      endpoint.id,
      webhookId,
      (d) => d.status === 'succeeded',
    );
    expect(done).toMatchObject({ attempts: 3, lastStatusCode: 200 });
    expect(receiver.forOrder(order.id).map((r) => r.webhookId)).toEqual([
      webhookId,
      webhookId,
      webhookId,
    ]);
    // Other suites share the database and place orders too, so the endpoint (subscribed to every
    // order.created) may see their events: count only this order's.
    const processedForOrder = [...receiver.processed.values()].filter(
      (r) => r.json.data?.order?.id === order.id,
    );
    expect(processedForOrder).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.forOrder(order.id)).toHaveLength(3);
  });

  it('refuses to redeliver to a disabled endpoint (409) and an unknown delivery (404)', async () => {
    const { receiver, endpoint } = await receiverWithEndpoint(t, admin);
    const order = await placeOrder(t, await quickUser(t));
    await receiver.waitFor('delivery', () => receiver.forOrder(order.id).length >= 1);
    const delivery = await waitForDelivery(
      t,
      admin,
      endpoint.id,
      receiver.forOrder(order.id)[0].webhookId,
      (d) => d.status === 'succeeded',
    );
    expectError(
      await t.http
        .post(`/api/webhooks/${endpoint.id}/deliveries/${endpoint.id}/redeliver`)
        .set('Authorization', admin.auth),
      404,
      'NOT_FOUND',
    );
    await t.http
      .patch(`/api/webhooks/${endpoint.id}`)
      .set('Authorization', admin.auth)
      .send({ enabled: false })
      .expect(200);
    expectError(
      await t.http
        .post(`/api/webhooks/${endpoint.id}/deliveries/${delivery.id}/redeliver`)
        .set('Authorization', admin.auth),
      409,
      'WEBHOOK_ENDPOINT_DISABLED',
    );
  });

  it('disables an endpoint that keeps failing past WEBHOOK_DISABLE_AFTER, says why, and sends it nothing more', async () => {
    const failing = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_DISABLE_AFTER: '2s',
      JOBS_SCHEMA: `${JOBS_SCHEMA}_disable`,
    });
    try {
      const failingAdmin = await quickUser(failing, 'admin');
      const { receiver, endpoint } = await receiverWithEndpoint(failing, failingAdmin);
      receiver.respond(() => ({ status: 500 }));
      const buyer = await quickUser(failing);
      const order = await placeOrder(failing, buyer);
      let shown = { enabled: true } as {
        enabled: boolean;
        disabledReason: string | null;
        failingSince: string | null;
      };
      for (let i = 0; i < 200 && shown.enabled; i++) {
        await new Promise((r) => setTimeout(r, 100));
        shown = (
          await failing.http
            .get(`/api/webhooks/${endpoint.id}`)
            .set('Authorization', failingAdmin.auth)
        ).body as typeof shown;
      }
      expect(shown.enabled).toBe(false);
      expect(shown.disabledReason).toMatch(
        /^failing since \d{4}-\d\d-\d\dT[\d:.]+Z \(0\.0 days\): last error HTTP 500$/,
      );
      expect(shown.failingSince).not.toBeNull();
      const attempts = receiver.forOrder(order.id).length;
      expect(attempts).toBeGreaterThanOrEqual(2);
      const delivery = await waitForDelivery(
        failing,
        failingAdmin,
        endpoint.id,
        receiver.forOrder(order.id)[0].webhookId,
        (d) => d.status === 'cancelled',
      );
      expect(delivery.attempts).toBe(attempts);

      const later = await placeOrder(failing, buyer);
      await new Promise((r) => setTimeout(r, 4_000));
      expect(receiver.forOrder(later.id)).toHaveLength(0);
      expect(receiver.forOrder(order.id)).toHaveLength(attempts);

      // Enabled again: the streak starts over, and new events flow.
      receiver.respond(() => ({ status: 204 }));
      const enabled = await failing.http
        .patch(`/api/webhooks/${endpoint.id}`)
        .set('Authorization', failingAdmin.auth)
        .send({ enabled: true });
      expect(enabled.body).toMatchObject({
        enabled: true,
        disabledReason: null,
        failingSince: null,
      });
      const next = await placeOrder(failing, buyer);
      await receiver.waitFor('after re-enabling', () => receiver.forOrder(next.id).length === 1);
    } finally {
      await failing.close();
    }
  });
});
