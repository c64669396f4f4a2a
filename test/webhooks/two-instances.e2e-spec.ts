import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { placeOrder, quickUser } from '../notifications/notification-builders.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import {
  createEndpoint,
  deleteEndpoints,
  verifySignature,
  WebhookReceiver,
} from './webhook-receiver.js';

const ORDERS = 40;

/** Two instances with workers on one database: each event reaches a receiver exactly once. */
describe('two instances', () => {
  let a: TestApp;
  let b: TestApp;
  let receiver: WebhookReceiver;
  let endpointId: string | undefined;

  beforeAll(async () => {
    [a, b] = await Promise.all([
      createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }),
      createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' }),
    ]);
    receiver = await WebhookReceiver.start();
  });
  afterAll(async () => {
    if (endpointId) await deleteEndpoints(a, [endpointId]);
    await receiver?.close();
    await Promise.all([a?.close(), b?.close()]);
  });

  it('never sends one event twice to a receiver that deduplicates by webhook-id', async () => {
    const admin = await quickUser(a, 'admin');
    const endpoint = await createEndpoint(a, admin, receiver.url(), ['order.created']);
    endpointId = endpoint.id;
    // In waves of ten, both apps at once (the machine's PostgreSQL is shared).
    const orders: Array<{ id: string }> = [];
    for (let wave = 0; wave < ORDERS; wave += 10) {
      const placed = await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const app = (wave + i) % 2 === 0 ? a : b;
          return placeOrder(app, await quickUser(app));
        }),
      );
      orders.push(...placed);
    }
    const ids = new Set(orders.map((o) => o.id));
    const ours = () => receiver.received.filter((r) => ids.has(r.json.data?.order?.id));
    await receiver.waitFor(`${ORDERS} deliveries`, () => ours().length >= ORDERS, 60_000);
    await new Promise((r) => setTimeout(r, 3_000)); // a duplicate would have come by now

    const received = ours();
    expect(received).toHaveLength(ORDERS);
    expect(new Set(received.map((r) => r.webhookId)).size).toBe(ORDERS);
    expect(new Set(received.map((r) => r.json.data.order.id))).toEqual(ids);
    for (const request of received) verifySignature(endpoint.secret, request);
  }, 90_000);
});
