import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { Socket } from 'socket.io-client';
import {
  closeSockets,
  connectError,
  connectSocket,
  disconnected,
  nextEvent,
} from '../support/sockets.js';
import { createTestApp, TEST_JWT_SECRET, type TestApp } from '../support/test-app.js';
import { committedAsyncApi, messageValidator } from './asyncapi-support.js';
import { expectStatus, patchStatus, placeOrder, quickUser } from './notification-builders.js';

/**
 * What the server really sends on /notifications, held to the committed asyncapi.json: each
 * event is triggered the way production triggers it (a checkout, a status change, one socket too
 * many, an expired token, a shutdown, a refused handshake), and every event any socket of this
 * suite receives is validated against its message's payload schema with Ajv (draft 2020-12). A
 * field renamed, added or retyped in the gateway without the document fails here.
 */
const { problems } = messageValidator(committedAsyncApi());

/** Every event the watched sockets received (Socket.IO's own connect/disconnect aside). */
const received: Array<{ event: string; payload: unknown }> = [];
function watch(socket: Socket): Socket {
  // One argument per event: anything else is recorded as the array, which no schema accepts.
  socket.onAny((event: string, ...args: unknown[]) => {
    received.push({ event, payload: args.length === 1 ? args[0] : args });
  });
  return socket;
}

/** Fails with the schema's complaint, not just "invalid". */
function expectValid(event: string, payload: unknown): void {
  expect({ event, payload, problems: problems(event, payload) }).toEqual({
    event,
    payload,
    problems: [],
  });
}

describe('/notifications on the wire matches asyncapi.json', () => {
  let t: TestApp;
  beforeAll(async () => {
    // One socket per user (the oldest gets session_limit); no Redis, so only this app's sockets.
    t = await createTestApp({ SOCKETS_PER_USER: '1', REDIS_URL: undefined });
  });
  afterEach(() => {
    closeSockets();
    const seen = received.splice(0);
    for (const { event, payload } of seen) expectValid(event, payload);
  });
  afterAll(async () => {
    await t.close();
  });

  it('order_created (staff) and order_status_update (owner and staff)', async () => {
    const [owner, staff] = await Promise.all([quickUser(t), quickUser(t, 'staff')]);
    const ownerSocket = watch(await connectSocket(t.baseUrl, owner.accessToken));
    const staffSocket = watch(await connectSocket(t.baseUrl, staff.accessToken));

    const created = nextEvent<{ userId: string }>(
      staffSocket,
      'order_created',
      2_000,
      (p) => p.userId === owner.id,
    );
    const order = await placeOrder(t, owner);
    expectValid('order_created', await created);

    const forOwner = nextEvent(ownerSocket, 'order_status_update', 2_000);
    const forStaff = nextEvent<{ orderId: string }>(
      staffSocket,
      'order_status_update',
      2_000,
      (p) => p.orderId === order.id,
    );
    expectStatus(await patchStatus(t, staff, order.id, 'confirmed'), 200);
    expectValid('order_status_update', await forOwner);
    expectValid('order_status_update', await forStaff);
    expect(received.map((r) => r.event)).toEqual(
      expect.arrayContaining(['order_created', 'order_status_update']),
    );
  });

  it('session_limit, to the oldest socket when one more connects', async () => {
    const user = await quickUser(t);
    const oldest = watch(await connectSocket(t.baseUrl, user.accessToken));
    const told = nextEvent(oldest, 'session_limit', 3_000);
    const gone = disconnected(oldest, 3_000);
    watch(await connectSocket(t.baseUrl, user.accessToken));
    expectValid('session_limit', await told);
    expect(await gone).toBe('io server disconnect');
  });

  it('token_expired, when the access token runs out', async () => {
    const user = await quickUser(t);
    const token = new JwtService({ secret: TEST_JWT_SECRET }).sign(
      { sub: user.id, email: user.email, role: user.role },
      { expiresIn: 2, jwtid: randomUUID() },
    );
    const socket = watch(await connectSocket(t.baseUrl, token));
    const expired = nextEvent(socket, 'token_expired', 3_500);
    expectValid('token_expired', await expired);
  });

  it('connect_error, for a handshake without a valid token', async () => {
    for (const token of [undefined, 'not-a-jwt']) {
      const error = (await connectError(t.baseUrl, { token })) as Error & { data?: unknown };
      expect(error.data).toBeUndefined();
      expectValid('connect_error', { message: error.message });
    }
  });

  it('server_shutdown, when an instance stops', async () => {
    const stopping = await createTestApp({ REDIS_URL: undefined });
    let closing: Promise<void> | undefined;
    try {
      const user = await quickUser(stopping);
      const socket = watch(await connectSocket(stopping.baseUrl, user.accessToken));
      const hint = nextEvent(socket, 'server_shutdown', 5_000);
      const gone = disconnected(socket, 5_000);
      closing = stopping.close();
      expectValid('server_shutdown', await hint);
      expect(await gone).toBe('transport close');
    } finally {
      await (closing ?? stopping.close());
    }
  });
});
