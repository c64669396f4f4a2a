import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { placeOrder, quickUser } from '../notifications/notification-builders.js';
import { createTestApp, JOBS_SCHEMA, type TestApp, type TestUser } from '../support/test-app.js';
import {
  createEndpoint,
  deleteEndpoints,
  type DeliveryView,
  listDeliveries,
  WebhookReceiver,
} from './webhook-receiver.js';

/**
 * SSRF at delivery time (OWASP API7): the check is made when connecting, on the address the
 * socket uses, so an endpoint that was allowed once (or written to the table by other means)
 * still reaches nothing it may not.
 */
describe('webhook targets refused when delivering', () => {
  /** Allows private targets (creates the endpoints); runs no workers. */
  let lax: TestApp;
  /** The default policy; its workers deliver this file's jobs. */
  let strict: TestApp;
  let laxAdmin: TestUser;
  let strictAdmin: TestUser;
  let trap: WebhookReceiver;
  const endpoints: string[] = [];

  beforeAll(async () => {
    lax = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', JOBS_WORKERS: 'false' });
    strict = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    [laxAdmin, strictAdmin] = await Promise.all([
      quickUser(lax, 'admin'),
      quickUser(strict, 'admin'),
    ]);
    trap = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await deleteEndpoints(strict, endpoints);
    await trap?.close();
    await Promise.all([lax?.close(), strict?.close()]);
  });

  async function firstAttempt(endpointId: string): Promise<DeliveryView> {
    for (let i = 0; i < 150; i++) {
      const [delivery] = await listDeliveries(strict, strictAdmin, endpointId);
      if (delivery && delivery.attemptLog.length > 0) return delivery;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('no attempt was made');
  }

  it('refuses a loopback endpoint made while private targets were allowed: no request reaches it', async () => {
    const endpoint = await createEndpoint(lax, laxAdmin, trap.url('/loopback'), ['order.created']);
    endpoints.push(endpoint.id);
    await placeOrder(strict, await quickUser(strict));
    const delivery = await firstAttempt(endpoint.id);
    expect(delivery.attemptLog.at(-1)).toMatchObject({
      attempt: 1,
      result: 'forbidden_address',
      statusCode: null,
      error: 'forbidden target: 127.0.0.1 is a loopback address',
    });
    expect(trap.received.filter((r) => r.path === '/loopback')).toHaveLength(0);
    await deleteEndpoints(strict, [endpoint.id]);
  });

  it('refuses the cloud metadata address whatever the policy, even when the row says so', async () => {
    const [{ id }] = await strict.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO webhook_endpoints (url, event_types, secret)
       VALUES ('http://169.254.169.254/latest/meta-data/', '{order.created}', 'whsec_dGVzdHRlc3R0ZXN0dGVzdHRlc3R0ZXN0dGVzdHRlc3Q=')
       RETURNING id`,
    );
    endpoints.push(id);
    await placeOrder(strict, await quickUser(strict));
    const delivery = await firstAttempt(id);
    expect(delivery.attemptLog.at(-1)).toMatchObject({
      result: 'forbidden_address',
      error: 'forbidden target: 169.254.169.254 is a linkLocal address',
    });
    await deleteEndpoints(strict, [id]);
  });

  it('delivers to the same loopback receiver where private targets are allowed', async () => {
    // A job engine of its own: its jobs are not the strict app's to deliver.
    const allowing = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      JOBS_SCHEMA: `${JOBS_SCHEMA}_allowing`,
    });
    try {
      const admin = await quickUser(allowing, 'admin');
      const endpoint = await createEndpoint(allowing, admin, trap.url('/allowed'), [
        'order.created',
      ]);
      endpoints.push(endpoint.id);
      const order = await placeOrder(allowing, await quickUser(allowing));
      await trap.waitFor('delivered', () => trap.forOrder(order.id).length === 1);
      expect(trap.forOrder(order.id)[0].path).toBe('/allowed');
    } finally {
      await allowing.close();
    }
  });
});
