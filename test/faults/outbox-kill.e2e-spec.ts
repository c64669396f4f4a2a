import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { createProduct, expectStatus, quickUser } from '../notifications/notification-builders.js';
import { migrateOnce } from '../support/migrate-once.js';
import { createTestApp, JOBS_SCHEMA, type TestApp, type TestUser } from '../support/test-app.js';
import {
  createEndpoint,
  type CreatedEndpoint,
  deleteEndpoints,
  verifySignature,
  WebhookReceiver,
} from '../webhooks/webhook-receiver.js';
import { freePort, waitFor } from '../support/processes.js';
import { type Build, sharedBuild } from '../support/shared-build.js';
import { send, type ServerProcess, startServer } from './fault-server.js';
import { ADDRESS } from './fault-shop.js';

/**
 * The outbox against `kill -9`, on the built server as a child process: an order committed by a
 * process that dies before dispatching is delivered by the next one, and a process killed in the
 * middle of a webhook request leaves the delivery to be retried (same `webhook-id`), so a receiver
 * that deduplicates processes it once.
 */

const JWT_SECRET = 'faults-outbox-suite-secret-0123456789abcdef';

describe('outbox: kill -9 between commit and delivery', () => {
  const databaseUrl = process.env.TEST_DATABASE_URL as string;
  let build: Build | undefined;
  let t: TestApp | undefined;
  let db: pg.Client | undefined;
  let receiver: WebhookReceiver;
  let endpoint: CreatedEndpoint | undefined;
  let admin: TestUser;
  const servers: ServerProcess[] = [];
  const mailDir = mkdtempSync(join(tmpdir(), 'shop-outbox-kill-mail-'));

  /** The built server; it shares this file's job engine, so its jobs are this suite's alone. */
  const serve = async (env: Record<string, string>): Promise<ServerProcess> => {
    const server = await startServer(build!.main, await freePort(), {
      DATABASE_URL: databaseUrl,
      REDIS_URL: process.env.REDIS_URL ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      JWT_SECRET,
      RATE_LIMIT: '0',
      JOBS_SCHEMA,
      JOBS_POLL_INTERVAL: '1s',
      JOBS_MONITOR_INTERVAL: '1s',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      WEBHOOK_RETRY_BASE: '1s',
      WEBHOOK_TIMEOUT: '3s',
      MAIL_DIR: mailDir,
      ...env,
    });
    servers.push(server);
    return server;
  };

  /** Checks out one fresh product as a fresh customer through `server`. */
  async function checkoutThrough(server: ServerProcess): Promise<{ id: string; userId: string }> {
    const buyer = await quickUser(t!);
    const product = await createProduct(t!);
    expectStatus(
      await t!.http
        .post('/api/cart/items')
        .set('Authorization', buyer.auth)
        .send({ productId: product.id, quantity: 1 }),
      200,
    );
    const res = await send({
      port: server.port,
      method: 'POST',
      path: '/api/orders',
      headers: { authorization: buyer.auth },
      body: { shippingAddress: ADDRESS },
    });
    expect(res.status).toBe(201);
    return { id: (res.body as { id: string }).id, userId: buyer.id };
  }

  const outboxRow = async (orderId: string) =>
    (
      await db!.query<{ id: string; dispatched_at: Date | null }>(
        `SELECT id, dispatched_at FROM outbox_events WHERE aggregate_id = $1 AND type = 'order.created'`,
        [orderId],
      )
    ).rows[0];

  beforeAll(async () => {
    build = await sharedBuild();
    await migrateOnce(databaseUrl);
    // Set-up only: this app runs no workers, so only the child processes deliver.
    t = await createTestApp({
      JWT_SECRET,
      JOBS_WORKERS: 'false',
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      MAIL_DIR: mailDir,
    });
    admin = await quickUser(t, 'admin');
    receiver = await WebhookReceiver.start();
    endpoint = await createEndpoint(t, admin, receiver.url(), ['order.created']);
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
  }, 300_000);

  afterAll(async () => {
    for (const server of servers) await server.kill();
    if (endpoint) await deleteEndpoints(t!, [endpoint.id]);
    await receiver?.close();
    await db?.end().catch(() => undefined);
    await t?.close();
    rmSync(mailDir, { recursive: true, force: true });
  });

  it('delivers, after a restart, the event of an order whose process died before dispatching it', async () => {
    // A: enqueues only (JOBS_WORKERS=false), so it dies with the dispatch job still queued.
    const a = await serve({ JOBS_WORKERS: 'false' });
    const order = await checkoutThrough(a);
    a.child.kill('SIGKILL');
    expect((await a.exited).signal).toBe('SIGKILL');

    const row = await outboxRow(order.id);
    expect(row).toMatchObject({ dispatched_at: null });
    const jobs = await db!.query<{ state: string }>(
      `SELECT state FROM ${JOBS_SCHEMA}.job WHERE name = 'outbox-dispatch' AND id = $1`,
      [row.id],
    );
    expect(jobs.rows).toEqual([{ state: 'created' }]);
    expect(receiver.forOrder(order.id)).toHaveLength(0);

    // B: a new process with workers delivers it.
    const started = performance.now();
    await serve({});
    await receiver.waitFor(
      'order.created after the restart',
      () => receiver.forOrder(order.id).length > 0,
      20_000,
    );
    const [request] = receiver.forOrder(order.id);
    expect(verifySignature(endpoint!.secret, request)).toMatchObject({
      type: 'order.created',
      data: { order: { id: order.id }, customer: { id: order.userId } },
    });
    expect(performance.now() - started).toBeLessThan(20_000);
    await waitFor('dispatched_at', async () => (await outboxRow(order.id))?.dispatched_at, 10_000);
  }, 120_000);

  it('retries a webhook whose process died mid-request, with the same webhook-id: processed once', async () => {
    // Whoever holds the first request of an order never answers it: its sender is killed meanwhile.
    receiver.respond((_request, seen) => (seen === 1 ? 'hang' : { status: 200 }));
    const [running] = servers.filter(
      (s) => s.child.exitCode === null && s.child.signalCode === null,
    );
    const order = await checkoutThrough(running);
    await receiver.waitFor(
      'the first attempt',
      () => receiver.forOrder(order.id).length === 1,
      20_000,
    );
    running.child.kill('SIGKILL');
    await running.exited;

    const restarted = await serve({});
    // Back after the job's expiry (WEBHOOK_TIMEOUT + 10 s) and a supervision pass of the restarted
    // instance: about 15 s alone, longer on a loaded machine. On failure, say where the job is.
    await receiver
      .waitFor('the retry', () => receiver.forOrder(order.id).length >= 2, 75_000)
      .catch(async (error: Error) => {
        const jobs = await db!.query(
          `SELECT state, retry_count, started_on, completed_on, start_after, expire_seconds, now()
             FROM ${JOBS_SCHEMA}.job WHERE name = 'webhook-deliver' ORDER BY created_on`,
        );
        error.message += `\nwebhook-deliver jobs: ${JSON.stringify(jobs.rows)}`;
        error.message += `\nthe restarted server said:\n${restarted.output().slice(-4000)}`;
        throw error;
      });
    const [first, second] = receiver.forOrder(order.id);
    expect(second.webhookId).toBe(first.webhookId);
    verifySignature(endpoint!.secret, second);
    // The receiver's dedupe set holds it once: one event processed.
    expect(
      [...receiver.processed.values()].filter((r) => r.json.data?.order?.id === order.id),
    ).toHaveLength(1);
    const delivery = await waitFor(
      'the delivery succeeded',
      async () =>
        (
          await db!.query<{ status: string; attempts: number }>(
            `SELECT status, attempts FROM webhook_deliveries WHERE id = $1 AND status = 'succeeded'`,
            [first.webhookId.slice('msg_'.length)],
          )
        ).rows[0],
      10_000,
    );
    // The killed attempt never reached the log (its process died before writing it).
    expect(delivery.value.attempts).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.forOrder(order.id)).toHaveLength(2);
  }, 180_000);
});
