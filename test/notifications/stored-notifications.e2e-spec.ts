import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  expectStatus,
  ISO_DATE,
  listNotifications,
  moveOrder,
  type NotificationView,
  placeOrder,
  type PlacedOrder,
  quickUser,
  unreadCount,
  UUID,
} from './notification-builders.js';

const NOTIFICATION_KEYS = ['createdAt', 'data', 'id', 'message', 'readAt', 'title', 'type'];

describe('stored notifications', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A customer whose order was placed, then confirmed and put into processing: 3 notifications. */
  async function customerWithHistory(): Promise<{ owner: TestUser; order: PlacedOrder }> {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const order = await placeOrder(t, owner, { quantity: 3 });
    await moveOrder(t, staff, order.id, 'confirmed', 'processing');
    return { owner, order };
  }

  const markRead = (user: TestUser, id: string) =>
    t.http.post(`/api/notifications/${id}/read`).set('Authorization', user.auth);

  it('lists checkout and status changes newest first, with their types and data', async () => {
    const { owner, order } = await customerWithHistory();
    const items = await listNotifications(t, owner);

    expect(items).toHaveLength(3);
    for (const n of items) {
      expect(Object.keys(n).sort()).toEqual(NOTIFICATION_KEYS);
      expect(n).toMatchObject({
        id: expect.stringMatching(UUID),
        title: expect.stringContaining(order.number),
        message: expect.stringContaining(order.number),
        readAt: null,
        createdAt: expect.stringMatching(ISO_DATE),
      });
    }
    expect(items.map((n) => [n.type, n.data])).toEqual([
      [
        'order_status_update',
        {
          orderId: order.id,
          orderNumber: order.number,
          oldStatus: 'confirmed',
          newStatus: 'processing',
        },
      ],
      [
        'order_status_update',
        {
          orderId: order.id,
          orderNumber: order.number,
          oldStatus: 'pending',
          newStatus: 'confirmed',
        },
      ],
      [
        'order_created',
        {
          orderId: order.id,
          orderNumber: order.number,
          total: order.total,
          currency: order.currency,
        },
      ],
    ]);
    const ids = items.map((n) => n.id);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('shows a user only their own notifications', async () => {
    const { owner } = await customerWithHistory();
    const other = await quickUser(t);
    expect(await listNotifications(t, other)).toEqual([]);
    expect(await unreadCount(t, other)).toBe(0);
    expect(await unreadCount(t, owner)).toBe(3);
  });

  it('marks one read with 204, idempotently; the unread count and filter follow', async () => {
    const { owner } = await customerWithHistory();
    const [newest, middle, oldest] = await listNotifications(t, owner);
    expect(await unreadCount(t, owner)).toBe(3);

    expectStatus(await markRead(owner, middle.id), 204);
    expect(await unreadCount(t, owner)).toBe(2);
    const readAt = (await listNotifications(t, owner)).find((n) => n.id === middle.id)!.readAt;
    expect(readAt).toMatch(ISO_DATE);

    const again = expectStatus(await markRead(owner, middle.id), 204);
    expect(again.text).toBe('');
    expect(await unreadCount(t, owner)).toBe(2);
    // A second read does not move the time it was first read.
    const after = await listNotifications(t, owner);
    expect(after.find((n) => n.id === middle.id)!.readAt).toBe(readAt);

    const unread = await listNotifications(t, owner, { unread: true });
    expect(unread.map((n) => n.id)).toEqual([newest.id, oldest.id]);
    expect(unread.every((n: NotificationView) => n.readAt === null)).toBe(true);
    expect((await listNotifications(t, owner, { unread: false })).map((n) => n.id)).toEqual(
      after.map((n) => n.id),
    );
  });

  it("answers 404 to another user's notification id and leaves it unread", async () => {
    const { owner } = await customerWithHistory();
    const intruder = await quickUser(t);
    const [target] = await listNotifications(t, owner);
    const res = expectStatus(await markRead(intruder, target.id), 404);
    expect(res.body).toMatchObject({
      statusCode: 404,
      error: 'Not Found',
      message: expect.any(String),
    });
    expect(await unreadCount(t, owner)).toBe(3);
  });

  it('answers 404 to an unknown notification id', async () => {
    const user = await quickUser(t);
    expectStatus(await markRead(user, '00000000-0000-7000-8000-000000000000'), 404);
  });

  it('answers 400 to a notification id that is not a UUID', async () => {
    const user = await quickUser(t);
    const res = expectStatus(await markRead(user, 'not-a-uuid'), 400);
    expect(res.body).toMatchObject({ statusCode: 400, requestId: expect.any(String) });
  });

  it('marks all read with 204, only for the caller', async () => {
    const { owner } = await customerWithHistory();
    const { owner: bystander } = await customerWithHistory();
    const res = expectStatus(
      await t.http.post('/api/notifications/read-all').set('Authorization', owner.auth),
      204,
    );
    expect(res.text).toBe('');
    expect(await unreadCount(t, owner)).toBe(0);
    expect(await listNotifications(t, owner, { unread: true })).toEqual([]);
    expect((await listNotifications(t, owner)).every((n) => n.readAt !== null)).toBe(true);
    expect(await unreadCount(t, bystander)).toBe(3);
    // Again: still 204, nothing left to mark.
    expectStatus(
      await t.http.post('/api/notifications/read-all').set('Authorization', owner.auth),
      204,
    );
  });

  it('takes limit from 1 to 100: newest first within it', async () => {
    const { owner } = await customerWithHistory();
    const all = await listNotifications(t, owner);
    expect(await listNotifications(t, owner, { limit: 1 })).toEqual([all[0]]);
    expect(await listNotifications(t, owner, { limit: 100 })).toEqual(all);
  });

  it.each([
    ['limit=0', { limit: 0 }],
    ['limit=101', { limit: 101 }],
    ['limit=abc', { limit: 'abc' }],
    ['limit=1.5', { limit: 1.5 }],
    ['after that is not a UUID', { after: 'nope' }],
    ['unread that is not a boolean', { unread: 'maybe' }],
  ])('answers 400 to %s', async (_, query) => {
    const user = await quickUser(t);
    const res = expectStatus(
      await t.http.get('/api/notifications').query(query).set('Authorization', user.auth),
      400,
    );
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
  });

  it.each([
    ['GET', '/api/notifications'],
    ['GET', '/api/notifications/unread-count'],
    ['POST', '/api/notifications/read-all'],
    ['POST', '/api/notifications/00000000-0000-7000-8000-000000000000/read'],
  ])('answers 401 to %s %s without a token', async (method, path) => {
    const res = method === 'GET' ? await t.http.get(path) : await t.http.post(path);
    expectStatus(res, 401);
  });
});
