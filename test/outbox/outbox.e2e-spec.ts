import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { installJobEngine } from '@/jobs/job-engine-install.js';
import { OutboxService } from '@/outbox/outbox.service.js';
import { OutboxSweeper } from '@/outbox/outbox-sweeper.js';
import { waitFor } from '../support/processes.js';
import { expectError } from '../support/expect-error.js';
import {
  createProduct,
  expectStatus,
  quickUser,
  SHIPPING_ADDRESS,
} from '../notifications/notification-builders.js';
import { createTestApp, JOBS_SCHEMA, type TestApp } from '../support/test-app.js';

/** The transactional outbox: rows and dispatch jobs commit with the change, or neither exists. */
describe('transactional outbox', () => {
  let t: TestApp;
  let outbox: OutboxService;

  beforeAll(async () => {
    t = await createTestApp();
    outbox = t.app.get(OutboxService);
  });
  afterAll(async () => {
    await t?.close();
  });

  const row = async (id: string) =>
    (
      await t.dataSource.query<Array<{ dispatched_at: Date | null }>>(
        'SELECT dispatched_at FROM outbox_events WHERE id = $1',
        [id],
      )
    )[0];
  const jobCount = async (id: string) =>
    (
      await t.dataSource.query<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM ${JOBS_SCHEMA}.job WHERE name = 'outbox-dispatch' AND id = $1`,
        [id],
      )
    )[0].n;

  it('dispatches an event recorded in a committed transaction', async () => {
    const id = await t.dataSource.transaction((manager) =>
      outbox.record(manager, {
        type: 'account.password_changed',
        aggregateType: 'user',
        aggregateId: randomUUID(),
        payload: { test: true },
      }),
    );
    expect(await jobCount(id)).toBe(1);
    await waitFor('dispatched', async () => (await row(id))?.dispatched_at, 15_000);
  });

  it('leaves neither row nor job when the transaction rolls back', async () => {
    let id = '';
    await expect(
      t.dataSource.transaction(async (manager) => {
        id = await outbox.record(manager, {
          type: 'account.password_changed',
          aggregateType: 'user',
          aggregateId: randomUUID(),
          payload: {},
        });
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(id).not.toBe('');
    expect(await row(id)).toBeUndefined();
    expect(await jobCount(id)).toBe(0);
  });

  it('refuses to record outside a transaction', async () => {
    await expect(
      outbox.record(t.dataSource.manager, {
        type: 'account.password_changed',
        aggregateType: 'user',
        aggregateId: randomUUID(),
        payload: {},
      }),
    ).rejects.toThrow(/inside a transaction/);
  });

  it('the sweeper dispatches an old event whose job was lost', async () => {
    const id = randomUUID();
    await t.dataSource.query(
      `INSERT INTO outbox_events (id, type, version, aggregate_type, aggregate_id, payload, created_at)
       VALUES ($1, 'account.password_changed', 1, 'user', $2, '{}', now() - interval '10 minutes')`,
      [id, randomUUID()],
    );
    expect(await jobCount(id)).toBe(0);
    await t.app.get(OutboxSweeper).sweep();
    expect(await jobCount(id)).toBe(1);
    await waitFor('dispatched', async () => (await row(id))?.dispatched_at, 15_000);
  });

  it('without MIGRATE_ON_START, starts before the engine is installed: checkouts answer 503 until cli/migrate installs it', async () => {
    const schema = `${JOBS_SCHEMA}_late`;
    const late = await createTestApp({ MIGRATE_ON_START: 'false', JOBS_SCHEMA: schema });
    try {
      const buyer = await quickUser(late);
      const product = await createProduct(late);
      expectStatus(
        await late.http
          .post('/api/cart/items')
          .set('Authorization', buyer.auth)
          .send({ productId: product.id, quantity: 1 }),
        200,
      );
      const checkout = () =>
        late.http
          .post('/api/orders')
          .set('Authorization', buyer.auth)
          .send({ shippingAddress: SHIPPING_ADDRESS });
      const refused = await checkout();
      expectError(refused, 503, 'SERVICE_UNAVAILABLE');
      expect(refused.headers['retry-after']).toBeDefined();
      const [{ n }] = await t.dataSource.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
        [buyer.id],
      );
      expect(n).toBe(0); // rolled back with the event it could not enqueue

      await installJobEngine(process.env.TEST_DATABASE_URL as string, schema);
      await waitFor(
        'the engine found',
        async () => (await checkout()).status === 201,
        20_000,
        1_000,
      );
    } finally {
      await late.close();
    }
  });
});
