import { randomBytes } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import { io, type Socket } from 'socket.io-client';
import { TokensService } from '@/accounts/tokens.service.js';
import { runMigrations } from '@/database/database.runtime.js';
import { createTestAppOn, type TestApp, type TestUser, uniqueEmail } from '../support/test-app.js';

/**
 * What the fault suites build on: the real application on a database URL of the test's choice
 * (test/support/test-app.ts always takes the run's database), a few shop builders, socket
 * clients, and the integrity checks every fault must leave true.
 */

/** createTestApp (test/support/test-app.ts) on `databaseUrl`, migrated here. */
export async function createFaultApp(
  databaseUrl: string,
  env: Record<string, string | undefined> = {},
): Promise<TestApp> {
  await runMigrations(databaseUrl);
  return createTestAppOn(databaseUrl, env);
}

export const ADDRESS = {
  fullName: 'Grace Hopper',
  line1: '1 Compiler Way',
  city: 'Arlington',
  postalCode: '22201',
  country: 'US',
};

export const word = (n = 10): string =>
  Array.from(randomBytes(n), (b) => String.fromCharCode(97 + (b % 26))).join('');

export interface Product {
  id: string;
  slug: string;
  price: number;
  stock: number;
}

/** Fails with the response body in the message, so a wrong status explains itself. */
export function expectStatus(res: Response, status: number): void {
  if (res.status !== status) {
    throw new Error(`expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  }
}

/** The one error shape (docs/api/README.md), for a 503 with its Retry-After. */
export function expectUnavailable(res: Response): void {
  expectStatus(res, 503);
  expect(res.body).toEqual({
    statusCode: 503,
    error: 'Service Unavailable',
    message: expect.any(String),
    code: 'SERVICE_UNAVAILABLE',
    requestId: expect.any(String),
  });
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
}

export interface Shop {
  staff: TestUser;
  product(body?: Record<string, unknown>): Promise<Product>;
  /** Logged-in customers: copies of one registered user's row with tokens from TokensService. */
  customers(count: number): Promise<TestUser[]>;
  addToCart(user: TestUser, productId: string, quantity: number): Promise<void>;
  checkout(user: TestUser, idempotencyKey?: string): Promise<Response>;
  move(orderId: string, status: string): Promise<Response>;
}

export async function shop(t: TestApp): Promise<Shop> {
  const staff = await t.createUser({ role: 'staff' });
  const as = (user: TestUser) => ({ Authorization: user.auth });
  const cat = await t.http
    .post('/api/categories')
    .set(as(staff))
    .send({ name: `Faults ${word()}` });
  expectStatus(cat, 201);
  const categoryId = (cat.body as { id: string }).id;
  let template: Promise<TestUser> | undefined;
  return {
    staff,
    async product(body = {}) {
      const res = await t.http
        .post('/api/products')
        .set(as(staff))
        .send({
          name: `Fault ${word()}`,
          sku: `F-${word(8).toUpperCase()}`,
          price: 1250,
          stock: 100,
          categoryId,
          ...body,
        });
      expectStatus(res, 201);
      return res.body as Product;
    },
    async customers(count) {
      template ??= t.createUser();
      const registered = await template;
      const emails = Array.from({ length: count }, () => uniqueEmail('fault'));
      const rows = await t.dataSource.query<Array<{ id: string; email: string }>>(
        `INSERT INTO users (email, password_hash, name)
         SELECT e, u.password_hash, u.name FROM unnest($1::text[]) AS e, users u WHERE u.id = $2
         RETURNING id, email`,
        [emails, registered.id],
      );
      const tokens = t.app.get(TokensService);
      return Promise.all(
        rows.map(async ({ id, email }) => {
          const pair = await tokens.issue({ id, email, role: 'customer' });
          return { ...registered, id, email, ...pair, auth: `Bearer ${pair.accessToken}` };
        }),
      );
    },
    async addToCart(user, productId, quantity) {
      const res = await t.http.post('/api/cart/items').set(as(user)).send({ productId, quantity });
      expectStatus(res, 200);
    },
    checkout(user, idempotencyKey) {
      const req = t.http.post('/api/orders').set(as(user)).timeout(20_000);
      if (idempotencyKey) void req.set('Idempotency-Key', idempotencyKey);
      return req.send({ shippingAddress: ADDRESS }).then((r) => r);
    },
    move: (orderId, status) =>
      t.http
        .patch(`/api/orders/${orderId}/status`)
        .set(as(staff))
        .send(status === 'shipped' ? { status, trackingNumber: 'TRK-FAULT' } : { status })
        .then((r) => r),
  };
}

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * Every order of `userIds` is whole: it has lines, each line's total is price × quantity, the
 * lines add up to the subtotal, the total adds up, and the order has its first history row and
 * its `order_created` notification. Returns the ids of the orders found.
 */
export async function expectWholeOrders(query: Query, userIds: string[]): Promise<string[]> {
  const rows = await query<{
    id: string;
    subtotal: number;
    total: number;
    computed_total: number;
    items: number;
    line_sum: number;
    bad_lines: number;
    history: number;
    notified: number;
  }>(
    `SELECT o.id, o.subtotal, o.total,
            o.subtotal + o.shipping_amount + o.tax_amount - o.discount_amount AS computed_total,
            (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.id) AS items,
            (SELECT coalesce(sum(i.line_total), 0)::int FROM order_items i WHERE i.order_id = o.id) AS line_sum,
            (SELECT count(*)::int FROM order_items i WHERE i.order_id = o.id
               AND i.line_total <> i.unit_price * i.quantity) AS bad_lines,
            (SELECT count(*)::int FROM order_status_history h
               WHERE h.order_id = o.id AND h.to_status = 'pending') AS history,
            (SELECT count(*)::int FROM notifications n WHERE n.user_id = o.user_id
               AND n.type = 'order_created' AND n.data->>'orderId' = o.id::text) AS notified
       FROM orders o WHERE o.user_id = ANY($1::uuid[])`,
    [userIds],
  );
  for (const row of rows) {
    expect(row.items).toBeGreaterThan(0);
    expect(row).toEqual({
      ...row,
      line_sum: row.subtotal,
      bad_lines: 0,
      computed_total: row.total,
      history: 1,
      notified: 1,
    });
  }
  return rows.map((r) => r.id);
}

/** Sold quantity (in orders not cancelled) + current stock = the stock each product started with. */
export async function expectStockConserved(
  query: Query,
  initial: Map<string, number>,
): Promise<void> {
  const rows = await query<{ id: string; stock: number; sold: number }>(
    `SELECT p.id, p.stock,
            (SELECT coalesce(sum(i.quantity), 0)::int FROM order_items i JOIN orders o ON o.id = i.order_id
              WHERE i.product_id = p.id AND o.status <> 'cancelled') AS sold
       FROM products p WHERE p.id = ANY($1::uuid[])`,
    [[...initial.keys()]],
  );
  expect(rows).toHaveLength(initial.size);
  for (const row of rows) {
    expect({ product: row.id, total: row.stock + row.sold }).toEqual({
      product: row.id,
      total: initial.get(row.id),
    });
  }
}

const sockets = new Set<Socket>();

/** A connected `/notifications` socket (websocket only, no automatic reconnection). */
export async function connectSocket(baseUrl: string, token: string): Promise<Socket> {
  const socket = io(`${baseUrl}/notifications`, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 5_000,
    auth: { token },
  });
  sockets.add(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(new Error(`connect_error: ${error.message}`)));
  });
  return socket;
}

/** The next `event`'s payload (that `matches`), or rejects after `timeoutMs`. Start it before the cause. */
export function nextEvent<T>(
  socket: Socket,
  event: string,
  timeoutMs: number,
  matches: (payload: T) => boolean = () => true,
): Promise<T> {
  const promise = new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = (payload: T) => {
      if (!matches(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
  promise.catch(() => undefined);
  return promise;
}

export function closeSockets(): void {
  for (const socket of sockets) socket.close();
  sockets.clear();
}
