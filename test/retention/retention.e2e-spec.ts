import { randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { RetentionService } from '@/retention/retention.service.js';
import { guestCart, type GuestCartView } from '../guest-cart/guest-cart-helpers.js';
import { ADDRESS, orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectError, expectStatus } from '../orders/order-expect.js';
import { holdRowLock } from '../orders/row-lock.js';
import type { TestApp } from '../support/test-app.js';
import {
  eventually,
  mediaFile,
  mediaKey,
  older,
  purge,
  purgedMetric,
  retentionApp,
  retentionRows,
  younger,
} from './retention-helpers.js';
import { outboxRows } from './outbox-rows.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const MINUTE_MS = 60 * 1000;

// Every purge of the run's database is in this one file: runs share one advisory lock, so a
// suite purging in parallel would make these runs skip.
describe('scheduled retention (default ages)', () => {
  let t: TestApp & { mediaDir: string };
  let b: OrderBuilders;
  let rows: ReturnType<typeof retentionRows>;
  let ob: ReturnType<typeof outboxRows>;
  beforeAll(async () => {
    t = await retentionApp();
    b = await orderBuilders(t);
    rows = retentionRows(t);
    ob = outboxRows(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('purges refresh tokens 7 days after they expired or were revoked, and none younger', async () => {
    const user = await t.createUser();
    const expiredOld = await rows.refreshToken(user.id, { expiredAgo: older('7 days') });
    const expiredYoung = await rows.refreshToken(user.id, { expiredAgo: younger('7 days') });
    const revokedOld = await rows.refreshToken(user.id, { revokedAgo: older('7 days') });
    const revokedYoung = await rows.refreshToken(user.id, { revokedAgo: younger('7 days') });
    // Revoked (a password change) long after it had expired: it ended at its expiry.
    const revokedLate = await rows.refreshToken(user.id, {
      expiredAgo: older('7 days'),
      revokedAgo: '1 hour',
    });
    const live = await rows.refreshToken(user.id);

    const counts = await purge(t);

    expect(counts.refreshTokens).toBeGreaterThanOrEqual(3);
    const all = [expiredOld, expiredYoung, revokedOld, revokedYoung, revokedLate, live];
    expect(await rows.remaining('refresh_tokens', all)).toEqual(
      [expiredYoung, revokedYoung, live].sort(),
    );
    // The user's own session is untouched.
    const refreshed = await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: user.refreshToken });
    expectStatus(refreshed, 200);
  });

  it('purges idempotency keys 2 days after they were made, and none younger', async () => {
    const user = await b.customer();
    const old = await rows.idempotencyKey(user.id, older('2 days'));
    const young = await rows.idempotencyKey(user.id, younger('2 days'));

    const counts = await purge(t);

    expect(counts.idempotencyKeys).toBeGreaterThanOrEqual(1);
    expect(await rows.remainingKeys(user.id, [old, young])).toEqual([young]);
  });

  it('purges read notifications after 90 days and unread ones after 180, and none younger', async () => {
    const user = await t.createUser();
    const readOld = await rows.notification(user.id, { ago: older('90 days'), read: true });
    const readYoung = await rows.notification(user.id, { ago: younger('90 days'), read: true });
    const unreadOld = await rows.notification(user.id, { ago: older('180 days'), read: false });
    const unreadYoung = await rows.notification(user.id, {
      ago: younger('180 days'),
      read: false,
    });
    // Unread for longer than a read one lives: kept.
    const unreadPast90 = await rows.notification(user.id, { ago: older('90 days'), read: false });
    const metricBefore = await purgedMetric(t, 'notifications');

    const counts = await purge(t);

    expect(counts.notifications).toBeGreaterThanOrEqual(2);
    const all = [readOld, readYoung, unreadOld, unreadYoung, unreadPast90];
    expect(await rows.remaining('notifications', all)).toEqual(
      [readYoung, unreadYoung, unreadPast90].sort(),
    );
    const listed = await t.http.get('/api/notifications').set('Authorization', user.auth);
    expectStatus(listed, 200);
    expect((listed.body as { items: Array<{ id: string }> }).items.map((n) => n.id).sort()).toEqual(
      [readYoung, unreadYoung, unreadPast90].sort(),
    );
    expect((await purgedMetric(t, 'notifications')) - metricBefore).toBe(counts.notifications);
  });

  it("purges guest carts untouched for 30 days with their lines, and no younger one nor a user's cart", async () => {
    const g = guestCart(t);
    const product = await b.product();
    const old = await g.start(product.id, 1);
    const young = await g.start(product.id, 2);
    await rows.lastUsed(old.cart.id ?? '', older('30 days'));
    await rows.lastUsed(young.cart.id ?? '', younger('30 days'));
    const user = await b.customer();
    const userCart = await b.addToCart(user, product.id, 1);
    await t.dataSource.query(
      `UPDATE carts SET updated_at = now() - interval '1 year' WHERE id = $1`,
      [userCart.id],
    );

    const counts = await purge(t);

    expect(counts.guestCarts).toBeGreaterThanOrEqual(1);
    const ids = [old.cart.id ?? '', young.cart.id ?? '', userCart.id];
    expect(await rows.remaining('carts', ids)).toEqual([young.cart.id, userCart.id].sort());
    const [lines] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM cart_items WHERE cart_id = $1',
      [old.cart.id],
    );
    expect(lines?.n).toBe(0);
    expect(((await g.get(young.token)).body as GuestCartView).itemCount).toBe(2);
    expect((await b.getCart(user)).itemCount).toBe(1);
  });

  it("answers a purged guest cart's token as an unknown one: no cart, a new one on add, 404 for its lines", async () => {
    const g = guestCart(t);
    const product = await b.product();
    const old = await g.start(product.id, 1);
    const lineId = old.cart.items[0]?.id ?? '';
    await rows.lastUsed(old.cart.id ?? '', older('30 days'));
    await purge(t);

    const viewed = await g.get(old.token);
    expectStatus(viewed, 200);
    expect(viewed.body).toMatchObject({ id: null, items: [], itemCount: 0 });
    expectError(await g.update(lineId, { quantity: 2 }, old.token), 404, 'NOT_FOUND');
    expectError(await g.remove(lineId, old.token), 404, 'NOT_FOUND');
    const added = await g.add({ productId: product.id, quantity: 1 }, old.token);
    expectStatus(added, 200);
    const fresh = added.body as GuestCartView;
    expect(fresh.id).not.toBe(old.cart.id);
    expect(fresh.cartToken).toEqual(expect.any(String));
    expect(fresh.cartToken).not.toBe(old.token);
  });

  it('deletes uploads older than a day that no row refers to, and keeps every other file', async () => {
    const dir = t.mediaDir;
    const old = DAY_MS + MINUTE_MS;
    const young = DAY_MS - MINUTE_MS;
    const oldOrphan = await mediaFile(dir, mediaKey(), old);
    const youngOrphan = await mediaFile(dir, mediaKey(), young);
    const interrupted = await mediaFile(dir, '.upload-0123456789abcdef', old);
    const youngInterrupted = await mediaFile(dir, '.upload-fedcba9876543210', young);
    const foreign = await mediaFile(dir, 'README.txt', old);
    // Referred to by a catalog image, by a profile picture, or queued for MediaService to delete.
    const catalogImage = await mediaFile(dir, mediaKey(), old);
    const profilePicture = await mediaFile(dir, mediaKey(), old);
    const queued = await mediaFile(dir, mediaKey(), old);
    const product = await b.product();
    await t.dataSource.query(
      `INSERT INTO catalog_images (product_id, storage_key, content_type, byte_size, width, height)
       VALUES ($1, $2, 'image/png', 20, 1, 1)`,
      [product.id, catalogImage],
    );
    const user = await b.customer();
    await t.dataSource.query(`INSERT INTO user_profiles (user_id, image_key) VALUES ($1, $2)`, [
      user.id,
      profilePicture,
    ]);
    await t.dataSource.query(`INSERT INTO media_deletions (storage_key) VALUES ($1)`, [queued]);

    try {
      const counts = await purge(t);

      expect(counts.orphanUploads).toBe(2);
      expect(readdirSync(dir).sort()).toEqual(
        [youngOrphan, youngInterrupted, foreign, catalogImage, profilePicture, queued].sort(),
      );
      expect(readdirSync(dir)).not.toContain(oldOrphan);
      expect(readdirSync(dir)).not.toContain(interrupted);
    } finally {
      await t.dataSource.query(`DELETE FROM media_deletions WHERE storage_key = $1`, [queued]);
    }
  });

  it('purges outbox events 7 days after dispatch, never an undispatched one nor one a kept delivery needs', async () => {
    const endpoint = await ob.endpoint();
    const old = await ob.event({ createdAgo: older('7 days'), dispatchedAgo: older('7 days') });
    const young = await ob.event({
      createdAgo: older('7 days'),
      dispatchedAgo: younger('7 days'),
    });
    // Never dispatched (its job lost, the sweeper keeps trying): whatever its age, it stays.
    const undispatched = await ob.event({ createdAgo: '90 days' });
    // Old, but a delivery of it is kept (still retrying): the delivery needs its payload.
    const needed = await ob.event({ createdAgo: '20 days', dispatchedAgo: '20 days' });
    await ob.delivery(needed, endpoint, { status: 'retrying', createdAgo: '20 days' });
    // Old, and its only delivery finished long ago: both go in the same run.
    const done = await ob.event({ createdAgo: '40 days', dispatchedAgo: '40 days' });
    await ob.delivery(done, endpoint, {
      status: 'succeeded',
      createdAgo: '40 days',
      lastAttemptAgo: '40 days',
    });
    const metricBefore = await purgedMetric(t, 'outbox_events');

    const counts = await purge(t);

    expect(counts.outboxEvents).toBeGreaterThanOrEqual(2);
    const all = [old, young, undispatched, needed, done];
    expect(await rows.remaining('outbox_events', all)).toEqual(
      [young, undispatched, needed].sort(),
    );
    expect((await purgedMetric(t, 'outbox_events')) - metricBefore).toBe(counts.outboxEvents);
  });

  it('purges finished webhook deliveries and their attempts 30 days after the last attempt, never an open one', async () => {
    const event = await ob.event({ createdAgo: '60 days', dispatchedAgo: '60 days' });
    // A delivery is one per (event, endpoint): each of these goes to an endpoint of its own.
    const deliver = async (
      status: 'pending' | 'retrying' | 'succeeded' | 'dead' | 'cancelled',
      createdAgo: string,
      lastAttemptAgo?: string,
    ) => ob.delivery(event, await ob.endpoint(), { status, createdAgo, lastAttemptAgo });
    const succeededOld = await deliver('succeeded', older('30 days'), older('30 days'));
    const succeededYoung = await deliver('succeeded', younger('30 days'), younger('30 days'));
    const deadOld = await deliver('dead', '45 days', older('30 days'));
    const cancelledOld = await deliver('cancelled', '45 days');
    const retryingOld = await deliver('retrying', '45 days', '31 days');
    const pendingOld = await deliver('pending', '45 days');
    // Made long ago, redelivered a day ago (it ages from its last attempt): kept.
    const redelivered = await deliver('succeeded', '45 days', '1 day');
    const metricBefore = await purgedMetric(t, 'webhook_deliveries');

    const counts = await purge(t);

    expect(counts.webhookDeliveries).toBeGreaterThanOrEqual(3);
    const all = [
      succeededOld,
      succeededYoung,
      deadOld,
      cancelledOld,
      retryingOld,
      pendingOld,
      redelivered,
    ];
    expect(await rows.remaining('webhook_deliveries', all)).toEqual(
      [succeededYoung, retryingOld, pendingOld, redelivered].sort(),
    );
    expect(await ob.attempts([succeededOld, deadOld])).toBe(0);
    expect(await ob.attempts([succeededYoung, retryingOld, redelivered])).toBe(3);
    // Open deliveries still refer to the event: it stays.
    expect(await rows.remaining('outbox_events', [event])).toEqual([event]);
    expect((await purgedMetric(t, 'webhook_deliveries')) - metricBefore).toBe(
      counts.webhookDeliveries,
    );
  });

  it('purges password-reset and email-verification tokens a day after they expired, used or not', async () => {
    const user = await t.createUser();
    const tokens = {
      resetOld: await ob.token('password_reset_tokens', user.id, { expiredAgo: older('1 day') }),
      resetUsedOld: await ob.token('password_reset_tokens', user.id, {
        expiredAgo: older('1 day'),
        used: true,
      }),
      resetYoung: await ob.token('password_reset_tokens', user.id, {
        expiredAgo: younger('1 day'),
      }),
      resetLive: await ob.token('password_reset_tokens', user.id, { expiredAgo: '-30 minutes' }),
    };
    const verification = {
      old: await ob.token('email_verification_tokens', user.id, { expiredAgo: older('1 day') }),
      usedYoung: await ob.token('email_verification_tokens', user.id, {
        expiredAgo: younger('1 day'),
        used: true,
      }),
      live: await ob.token('email_verification_tokens', user.id, { expiredAgo: '-47 hours' }),
    };
    const metricBefore = await purgedMetric(t, 'account_tokens');

    const counts = await purge(t);

    expect(counts.accountTokens).toBeGreaterThanOrEqual(3);
    expect(await rows.remaining('password_reset_tokens', Object.values(tokens))).toEqual(
      [tokens.resetYoung, tokens.resetLive].sort(),
    );
    expect(await rows.remaining('email_verification_tokens', Object.values(verification))).toEqual(
      [verification.usedYoung, verification.live].sort(),
    );
    expect((await purgedMetric(t, 'account_tokens')) - metricBefore).toBe(counts.accountTokens);
  });

  it('runs on one instance at a time: of two runs at once, one purges and the other skips', async () => {
    const other = await retentionApp();
    try {
      const user = await b.customer();
      const key = await rows.idempotencyKey(user.id, older('2 days'));
      // Whichever run takes the lock waits for this table lock until the test lets it go.
      const held = await holdRowLock(t, 'LOCK TABLE idempotency_keys IN SHARE MODE', []);
      const runs = [t, other].map((app) => app.app.get(RetentionService).purgeOnce());
      try {
        await expect(Promise.race(runs)).resolves.toBeNull();
        await held.waitForWaiters(1);
      } finally {
        await held.release();
      }
      const results = await Promise.all(runs);

      expect(results.filter((r) => r === null)).toHaveLength(1);
      expect(results.find((r) => r !== null)?.idempotencyKeys).toBeGreaterThanOrEqual(1);
      expect(await rows.remainingKeys(user.id, [key])).toEqual([]);
      // The lock was let go: the other instance runs next time.
      await expect(other.app.get(RetentionService).purgeOnce()).resolves.not.toBeNull();
    } finally {
      await other.close();
    }
  });

  it('skips rows in use instead of waiting for them; the next run purges them', async () => {
    const user = await b.customer();
    const busy = await rows.idempotencyKey(user.id, older('2 days'));
    const idle = await rows.idempotencyKey(user.id, older('2 days'));
    const held = await holdRowLock(
      t,
      'SELECT 1 FROM idempotency_keys WHERE user_id = $1 AND key = $2 FOR UPDATE',
      [user.id, busy],
    );
    try {
      await purge(t);
      expect(await rows.remainingKeys(user.id, [busy, idle])).toEqual([busy]);
    } finally {
      await held.release();
    }
    await purge(t);
    expect(await rows.remainingKeys(user.id, [busy])).toEqual([]);
  });

  it('runs on its own every RETENTION_INTERVAL, and stops when the app closes', async () => {
    const user = await t.createUser();
    const scheduled = await retentionApp({ RETENTION_INTERVAL: '1' });
    const runs = jest.spyOn(scheduled.app.get(RetentionService), 'purgeOnce');
    let closed = false;
    try {
      const first = await rows.notification(user.id, { ago: older('180 days'), read: false });
      const gone = async () => (await rows.remaining('notifications', [first])).length === 0;
      await eventually(gone, 10_000);
      await scheduled.close();
      closed = true;
      runs.mockClear();

      const second = await rows.notification(user.id, { ago: older('180 days'), read: false });
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect(runs).not.toHaveBeenCalled();
      expect(await rows.remaining('notifications', [second])).toEqual([second]);
    } finally {
      if (!closed) await scheduled.close();
    }
  });
});

describe('scheduled retention with ages shorter than the defaults', () => {
  let t: TestApp & { mediaDir: string };
  let b: OrderBuilders;
  let rows: ReturnType<typeof retentionRows>;
  beforeAll(async () => {
    t = await retentionApp({ RETENTION_IDEMPOTENCY_KEYS: '1h', RETENTION_GUEST_CARTS: '7d' });
    b = await orderBuilders(t);
    rows = retentionRows(t);
  });
  afterAll(async () => {
    await t.close();
  });

  it('never purges an idempotency key that can still replay (24 hours), whatever its age says', async () => {
    const user = await b.customer();
    const product = await b.product();
    await b.addToCart(user, product.id, 1);
    const key = randomUUID();
    const placed = await b.checkout(user, { shippingAddress: ADDRESS }, key);
    expectStatus(placed, 201);
    await t.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '23 hours' WHERE user_id = $1 AND key = $2`,
      [user.id, key],
    );
    const stale = await rows.idempotencyKey(user.id, '25 hours');

    await purge(t);

    expect(await rows.remainingKeys(user.id, [key, stale])).toEqual([key]);
    const retried = await b.checkout(user, { shippingAddress: ADDRESS }, key);
    expectStatus(retried, 201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.body).toEqual(placed.body);
  });

  it('purges guest carts untouched for RETENTION_GUEST_CARTS, though their token would live longer', async () => {
    const g = guestCart(t);
    const product = await b.product();
    const old = await g.start(product.id, 1);
    const young = await g.start(product.id, 1);
    await rows.lastUsed(old.cart.id ?? '', older('7 days'));
    await rows.lastUsed(young.cart.id ?? '', younger('7 days'));

    await purge(t);

    expect(await rows.remaining('carts', [old.cart.id ?? '', young.cart.id ?? ''])).toEqual([
      young.cart.id,
    ]);
  });
});
