import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { Socket } from 'socket.io-client';
import { isolatedRedisUrl } from '../support/redis.js';
import {
  closeSockets,
  connectSocket,
  connected,
  disconnected,
  expectNoEvent,
  nextEvent,
  openSocket,
} from '../support/sockets.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  expectStatus,
  patchStatus,
  placeOrder,
  quickUser,
  type StatusUpdatePush,
} from './notification-builders.js';

const CAP = 3;
/**
 * A Redis database of its own (test/catalog/catalog-cache-support.ts): the Socket.IO channels
 * are per database, so only this suite's two instances answer each other's socket counts.
 */
const REDIS_URL = isolatedRedisUrl(8);
const NEEDS_REDIS = '[needs REDIS_URL: skipped without it]';
const redisIt = REDIS_URL ? it : it.skip;
/** How long a socket must stay quiet (and connected) to count as "left alone". */
const QUIET_MS = 400;

interface SessionLimit {
  reconnect: boolean;
  limit: number;
  reason: string;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `count` sockets of `user`, one after another, each handshake a few ms after the last. */
async function connectInTurn(baseUrl: string, user: TestUser, count: number): Promise<Socket[]> {
  const sockets: Socket[] = [];
  for (let i = 0; i < count; i++) {
    sockets.push(await connectSocket(baseUrl, user.accessToken));
    await pause(5); // distinct handshake times: "oldest" is then unambiguous
  }
  return sockets;
}

/** Every socket gets the status change of `user`'s order pushed. */
async function expectPushReaches(t: TestApp, user: TestUser, sockets: Socket[]): Promise<void> {
  const staff = await quickUser(t, 'staff');
  const order = await placeOrder(t, user);
  const pushes = sockets.map((s) =>
    nextEvent<StatusUpdatePush>(s, 'order_status_update', 2_000, (p) => p.orderId === order.id),
  );
  expectStatus(await patchStatus(t, staff, order.id, 'confirmed'), 200);
  for (const push of await Promise.all(pushes)) expect(push.newStatus).toBe('confirmed');
}

describe(`SOCKETS_PER_USER: a user's oldest socket is told why and closed`, () => {
  let a: TestApp;
  let b: TestApp | undefined;

  beforeAll(async () => {
    const env = { SOCKETS_PER_USER: String(CAP), REDIS_URL };
    [a, b] = await Promise.all([
      createTestApp(env),
      REDIS_URL ? createTestApp(env) : Promise.resolve(undefined),
    ]);
  });
  afterEach(() => {
    closeSockets();
  });
  afterAll(async () => {
    await Promise.all([a.close(), b?.close()]);
  });

  it('closes the first of 4 sockets with session_limit; the newest 3 stay and get pushes; another user is untouched', async () => {
    const [user, other] = await Promise.all([quickUser(a), quickUser(a)]);
    const others = await connectInTurn(a.baseUrl, other, CAP);
    const othersQuiet = others.map((s) => expectNoEvent(s, 'session_limit', QUIET_MS * 2));

    const [first, ...kept] = await connectInTurn(a.baseUrl, user, CAP);
    const told = nextEvent<SessionLimit>(first, 'session_limit', 2_000);
    const closed = disconnected(first, 2_000);
    const keptQuiet = kept.map((s) => expectNoEvent(s, 'session_limit', QUIET_MS));
    const newest = await connectSocket(a.baseUrl, user.accessToken);

    expect(await told).toEqual({ reconnect: false, limit: CAP, reason: expect.any(String) });
    // The server's disconnect: socket.io-client does not reconnect by itself after it.
    expect(await closed).toBe('io server disconnect');
    await Promise.all([...keptQuiet, ...othersQuiet]);
    const newestThree = [...kept, newest];
    expect(newestThree.map((s) => s.connected)).toEqual([true, true, true]);
    expect(others.map((s) => s.connected)).toEqual([true, true, true]);

    await expectPushReaches(a, user, newestThree);
    await expectPushReaches(a, other, others);
  });

  it('settles at the cap when 10 sockets of one user connect at once', async () => {
    const user = await quickUser(a);
    const sockets = Array.from({ length: 10 }, () =>
      openSocket(a.baseUrl, { token: user.accessToken }),
    );
    // Listening before any handshake: the oldest are told as soon as the newest arrive.
    const limits = sockets.map((s) => nextEvent<SessionLimit>(s, 'session_limit', 1_000));
    await Promise.all(sockets.map((s) => connected(s)));
    await pause(QUIET_MS);
    const open = sockets.filter((s) => s.connected);
    expect(open).toHaveLength(CAP);
    // Each closed one was told why; the survivors were not.
    const told = await Promise.allSettled(limits);
    expect(told.filter((r) => r.status === 'fulfilled')).toHaveLength(10 - CAP);
    await expectPushReaches(a, user, open);
  });

  redisIt(`counts the user's sockets on every instance ${NEEDS_REDIS}`, async () => {
    const user = await quickUser(a);
    const [oldest, second] = await connectInTurn(a.baseUrl, user, 2);
    const onB = await connectInTurn(b!.baseUrl, user, 1);
    const told = nextEvent<SessionLimit>(oldest, 'session_limit', 3_000);
    const closed = disconnected(oldest, 3_000);
    const secondQuiet = expectNoEvent(second, 'session_limit', QUIET_MS * 2);
    onB.push(await connectSocket(b!.baseUrl, user.accessToken));

    // The fourth socket, on B, pushed out the oldest, on A.
    expect(await told).toMatchObject({ reconnect: false, limit: CAP });
    expect(await closed).toBe('io server disconnect');
    await secondQuiet;
    expect([second, ...onB].map((s) => s.connected)).toEqual([true, true, true]);
  });
});
