import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { placeOrder, quickUser } from '../notifications/notification-builders.js';
import { createTestApp, JOBS_SCHEMA, type TestApp } from '../support/test-app.js';
import { createEndpoint, deleteEndpoints, WebhookReceiver } from '../webhooks/webhook-receiver.js';

/** Outbox depth and age, and webhook attempts, as Prometheus metrics; readiness ignores receivers. */
describe('outbox and webhook metrics', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const metric = async (app: TestApp, line: RegExp): Promise<number> => {
    const text = (await app.http.get('/metrics').expect(200)).text;
    const match = line.exec(text);
    if (!match) throw new Error(`no ${line.source} in /metrics`);
    return Number(match[1]);
  };

  it('reports undispatched events and the age of the oldest while no instance works the jobs', async () => {
    // An engine no worker serves: its events stay undispatched.
    const idle = await createTestApp({
      JOBS_WORKERS: 'false',
      JOBS_SCHEMA: `${JOBS_SCHEMA}_idle`,
    });
    let orderId: string | undefined;
    try {
      orderId = (await placeOrder(idle, await quickUser(idle))).id;
      await new Promise((r) => setTimeout(r, 1_100));
      expect(await metric(idle, /^outbox_events_pending (\d+)$/m)).toBeGreaterThanOrEqual(1);
      expect(
        await metric(idle, /^outbox_oldest_pending_age_seconds ([\d.e+-]+)$/m),
      ).toBeGreaterThan(1);
    } finally {
      await idle.close();
      // Its event belongs to an engine nobody serves: off the books (a sweeper would take it later).
      await t.dataSource.query(
        `UPDATE outbox_events SET dispatched_at = now() WHERE aggregate_id = $1`,
        [orderId],
      );
    }
  });

  it('counts failed attempts, and stays ready while a receiver is down', async () => {
    const receiver = await WebhookReceiver.start();
    receiver.respond(() => ({ status: 500 }));
    const admin = await quickUser(t, 'admin');
    const endpoint = await createEndpoint(t, admin, receiver.url(), ['order.created']);
    try {
      const before = await metric(
        t,
        /^webhook_delivery_attempts_total\{result="http_error"\} (\d+)$/m,
      );
      const order = await placeOrder(t, await quickUser(t));
      await receiver.waitFor('two failed attempts', () => receiver.forOrder(order.id).length >= 2);
      await new Promise((r) => setTimeout(r, 300));
      const after = await metric(
        t,
        /^webhook_delivery_attempts_total\{result="http_error"\} (\d+)$/m,
      );
      expect(after - before).toBeGreaterThanOrEqual(2);
      expect(
        await metric(t, /^webhook_delivery_duration_seconds_count\{result="http_error"\} (\d+)$/m),
      ).toBeGreaterThanOrEqual(2);
      expect(
        await metric(t, /^webhook_deliveries_open\{status="retrying"\} (\d+)$/m),
      ).toBeGreaterThanOrEqual(0);
      await t.http.get('/health/ready').expect(200);
      // The receiver gone altogether: still ready.
      await receiver.close();
      await t.http.get('/health/ready').expect(200);
    } finally {
      await deleteEndpoints(t, [endpoint.id]);
      await receiver.close();
    }
  });
});
