import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { claimKey, requestHash } from '@/orders/idempotency.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ADDRESS, orderBuilders, type OrderBuilders, type OrderView } from './order-builders.js';
import { expectError, expectStatus } from './order-expect.js';
import { holdRowLock, releaseWhenQueued } from './row-lock.js';

describe('checkout with an Idempotency-Key', () => {
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
  });

  const ordersOf = async (userId: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
      [userId],
    );
    return row?.n ?? 0;
  };

  it('answers ten simultaneous requests with one key with one order', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 1);
    const key = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: 10 }, () => b.checkout(user, { shippingAddress: ADDRESS }, key)),
    );

    for (const res of responses) expectStatus(res, 201);
    const first = responses.find((r) => r.headers['idempotent-replayed'] === undefined);
    const replays = responses.filter((r) => r.headers['idempotent-replayed'] === 'true');
    expect(first).toBeDefined();
    expect(replays).toHaveLength(9);
    for (const replay of replays) expect(replay.body).toEqual(first?.body);
    expect(await ordersOf(user.id)).toBe(1);
    expect(await b.stockOf(product.id)).toBe(9);
  });

  it('answers a replay sent while the first request still runs with the first order', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 1);
    const key = randomUUID();
    // The request that claims the key queues on the product row held here; the other queues
    // on the claimed key.
    const lock = await holdRowLock(t, 'SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [
      product.id,
    ]);

    const responses = await releaseWhenQueued(lock, 2, () => [
      b.checkout(user, { shippingAddress: ADDRESS }, key),
      b.checkout(user, { shippingAddress: ADDRESS }, key),
    ]);

    for (const res of responses) expectStatus(res, 201);
    expect(responses.map((r) => r.headers['idempotent-replayed'] ?? 'first').sort()).toEqual([
      'first',
      'true',
    ]);
    expect(responses[0]?.body).toEqual(responses[1]?.body);
    expect(await ordersOf(user.id)).toBe(1);
    expect(await b.stockOf(product.id)).toBe(9);
  });

  it('answers 409 IDEMPOTENCY_IN_PROGRESS to a replay that waited past the bound', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 1);
    const key = randomUUID();
    const lock = await holdRowLock(t, 'SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [
      product.id,
    ]);
    let first: Promise<Response> | undefined;
    try {
      first = b.checkout(user, { shippingAddress: ADDRESS }, key);
      await lock.waitForWaiters(1);
      const started = Date.now();
      const waited = await b.checkout(user, { shippingAddress: ADDRESS }, key);
      expectError(waited, 409, 'IDEMPOTENCY_IN_PROGRESS');
      expect(Date.now() - started).toBeGreaterThanOrEqual(4_500);
    } finally {
      await lock.release();
    }
    const original = await first;
    expectStatus(original, 201);

    const later = await b.checkout(user, { shippingAddress: ADDRESS }, key);
    expectStatus(later, 201);
    expect(later.headers['idempotent-replayed']).toBe('true');
    expect(later.body).toEqual(original.body);
    expect(await ordersOf(user.id)).toBe(1);
  }, 60_000);

  it('replays a sequential retry: 201, the same body, Idempotent-Replayed: true', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 2);
    const key = `retry-${randomUUID()}`;
    const first = await b.checkout(user, { shippingAddress: ADDRESS }, key);
    expectStatus(first, 201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();

    // The cart is empty now: only a replay can answer 201.
    const again = await b.checkout(user, { shippingAddress: ADDRESS }, key);
    expectStatus(again, 201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await ordersOf(user.id)).toBe(1);
    expect(await b.stockOf(product.id)).toBe(8);
  });

  it('treats a body with its keys in another order as the same request', async () => {
    const user = await b.customer();
    await b.addToCart(user, (await b.product()).id, 1);
    const key = randomUUID();
    const first = await b.checkout(user, { notes: 'n', shippingAddress: ADDRESS }, key);
    expectStatus(first, 201);
    const reordered = Object.fromEntries(Object.entries(ADDRESS).reverse());
    const again = await b.checkout(user, { shippingAddress: reordered, notes: 'n' }, key);
    expectStatus(again, 201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect((again.body as OrderView).id).toBe((first.body as OrderView).id);
  });

  it('answers 422 to the same key with another body, and makes no order', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 1);
    const key = randomUUID();
    expectStatus(await b.checkout(user, { shippingAddress: ADDRESS }, key), 201);

    await b.addToCart(user, product.id, 1);
    const res = await b.checkout(user, { shippingAddress: ADDRESS, notes: 'changed' }, key);
    expectError(res, 422, 'IDEMPOTENCY_KEY_REUSED');
    expect(await ordersOf(user.id)).toBe(1);
    expect(await b.stockOf(product.id)).toBe(9);
    expect((await b.getCart(user)).itemCount).toBe(1);
  });

  it('keeps keys per user: another user with the same key gets an order of their own', async () => {
    const key = `shared-${randomUUID()}`;
    const alice = await b.customer();
    const bob = await b.customer();
    await b.addToCart(alice, (await b.product()).id, 1);
    await b.addToCart(bob, (await b.product()).id, 1);

    const fromAlice = await b.checkout(alice, { shippingAddress: ADDRESS }, key);
    const fromBob = await b.checkout(bob, { shippingAddress: ADDRESS }, key);

    expectStatus(fromAlice, 201);
    expectStatus(fromBob, 201);
    expect(fromBob.headers['idempotent-replayed']).toBeUndefined();
    expect((fromBob.body as OrderView).id).not.toBe((fromAlice.body as OrderView).id);
    expect((fromBob.body as OrderView).userId).toBe(bob.id);
  });

  it('claims a key anew once it is older than 24 hours: a new order, not the stored one', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 1);
    const key = `old-${randomUUID()}`;
    const first = await b.checkout(user, { shippingAddress: ADDRESS }, key);
    expectStatus(first, 201);
    await t.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '25 hours' WHERE user_id = $1 AND key = $2`,
      [user.id, key],
    );

    // Another body with the old key: not a 422 (the old claim is gone), a second order.
    await b.addToCart(user, product.id, 2);
    const second = await b.checkout(user, { shippingAddress: ADDRESS, notes: 'again' }, key);
    expectStatus(second, 201);
    expect(second.headers['idempotent-replayed']).toBeUndefined();
    expect((second.body as OrderView).id).not.toBe((first.body as OrderView).id);
    expect(await ordersOf(user.id)).toBe(2);
    expect(await b.stockOf(product.id)).toBe(7);

    // The key now stands for the second order.
    const replay = await b.checkout(user, { shippingAddress: ADDRESS, notes: 'again' }, key);
    expectStatus(replay, 201);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(second.body);
  });

  it('makes a second order for a second request without a key', async () => {
    const user = await b.customer();
    const product = await b.product({ stock: 10 });
    await b.addToCart(user, product.id, 1);
    expectStatus(await b.checkout(user), 201);
    await b.addToCart(user, product.id, 1);
    expectStatus(await b.checkout(user), 201);
    expect(await ordersOf(user.id)).toBe(2);
  });

  it("claims a key with the replays' wait, then gives the rest of the checkout the pool's lock_timeout", async () => {
    const user = await b.customer();
    const scope = { table: 'idempotency_keys', owner: user.id } as const;
    const key = randomUUID();
    const hash = requestHash({ notes: 'lock_timeout' });
    const timeouts = await t.dataSource.transaction(async (manager) => {
      const [pool] = await manager.query<Array<{ v: string }>>(
        `SELECT current_setting('lock_timeout') AS v`,
      );
      expect(await claimKey(manager, scope, key, hash)).toBeUndefined();
      const [after] = await manager.query<Array<{ v: string }>>(
        `SELECT current_setting('lock_timeout') AS v`,
      );
      return { pool: pool?.v, after: after?.v };
    });
    expect(timeouts.pool).toBe('10s'); // data-source-options.ts
    expect(timeouts.after).toBe(timeouts.pool);

    // A replay (the key already claimed and answered) claims nothing: the pool's value too.
    const replayed = await t.dataSource.transaction(async (manager) => {
      await claimKey(manager, scope, key, hash);
      const [after] = await manager.query<Array<{ v: string }>>(
        `SELECT current_setting('lock_timeout') AS v`,
      );
      return after?.v;
    });
    expect(replayed).toBe(timeouts.pool);
  });
});
