import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import type { Role } from '@/accounts/user.entity.js';
import { TokensService } from '@/accounts/tokens.service.js';
import { type TestApp, type TestUser, uniqueEmail } from '../support/test-app.js';

/** Small builders of this suite's own data: a product (SQL), an order (the API), status moves. */

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export type OrderStatus =
  'pending' | 'confirmed' | 'processing' | 'shipped' | 'delivered' | 'refunded' | 'cancelled';

export interface PlacedOrder {
  id: string;
  number: string;
  userId: string;
  status: OrderStatus;
  total: number;
  currency: string;
}

/** `order_status_update` as the API guide fixes it. */
export interface StatusUpdatePush {
  notificationId: string;
  orderId: string;
  orderNumber: string;
  oldStatus: OrderStatus;
  newStatus: OrderStatus;
  message: string;
  timestamp: string;
}

/** `order_created` (staff only). */
export interface OrderCreatedPush {
  orderId: string;
  orderNumber: string;
  userId: string;
  total: number;
  currency: string;
  timestamp: string;
}

export interface NotificationView {
  id: string;
  type: 'order_status_update' | 'order_created';
  title: string;
  message: string;
  data: Record<string, unknown>;
  readAt: string | null;
  createdAt: string;
}

/**
 * A user with a session, without the two deliberately slow scrypt hashes of `createUser`
 * (register, then login for staff): the row is written directly and the app's own token service
 * issues the session, so the tokens are exactly what `login` answers. The user cannot log in
 * with a password — tests of login use `t.createUser`.
 */
export async function quickUser(t: TestApp, role: Role = 'customer'): Promise<TestUser> {
  const email = uniqueEmail(role);
  const name = 'Notified User';
  const [row] = await t.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO users (email, password_hash, name, role) VALUES ($1, 'unusable', $2, $3) RETURNING id`,
    [email, name, role],
  );
  const id = row.id;
  const session = await t.app.get(TokensService).issue({ id, email, role });
  return {
    id,
    email,
    password: '', // cannot log in: see above
    name,
    role,
    accessToken: session.accessToken,
    refreshToken: session.refreshToken,
    auth: `Bearer ${session.accessToken}`,
  };
}

/** Fails with what the server said, not just the status. */
export function expectStatus(res: Response, status: number): Response {
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({ status });
  return res;
}

/** An active product of a fresh category, written straight to the database. */
export async function createProduct(
  t: TestApp,
  options: { price?: number; stock?: number } = {},
): Promise<{ id: string; price: number }> {
  const tag = randomUUID().slice(0, 8);
  const [category] = await t.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO categories (name, slug) VALUES ($1, $2) RETURNING id`,
    [`Notify ${tag}`, `notify-${tag}`],
  );
  const price = options.price ?? 1_250;
  const [product] = await t.dataSource.query<Array<{ id: string }>>(
    `INSERT INTO products (name, slug, sku, price, currency, stock, category_id)
     VALUES ($1, $2, $3, $4, 'USD', $5, $6) RETURNING id`,
    [
      `Notify widget ${tag}`,
      `notify-widget-${tag}`,
      `NTF-${tag}`,
      price,
      options.stock ?? 100,
      category.id,
    ],
  );
  return { id: product.id, price };
}

export const SHIPPING_ADDRESS = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  city: 'London',
  postalCode: 'SW1A 1AA',
  country: 'GB',
};

/** Puts `quantity` of a product (a fresh one unless given) in the user's cart and checks out. */
export async function placeOrder(
  t: TestApp,
  user: TestUser,
  options: { productId?: string; quantity?: number } = {},
): Promise<PlacedOrder> {
  const productId = options.productId ?? (await createProduct(t)).id;
  expectStatus(
    await t.http
      .post('/api/cart/items')
      .set('Authorization', user.auth)
      .send({ productId, quantity: options.quantity ?? 1 }),
    200,
  );
  const res = expectStatus(
    await t.http
      .post('/api/orders')
      .set('Authorization', user.auth)
      .send({ shippingAddress: SHIPPING_ADDRESS }),
    201,
  );
  const order = res.body as PlacedOrder;
  expect(order.status).toBe('pending');
  return order;
}

/** `updateOrderStatus` as staff; returns the raw response (callers check the status). */
export function patchStatus(
  t: TestApp,
  staff: TestUser,
  orderId: string,
  status: OrderStatus,
): Promise<Response> {
  return t.http
    .patch(`/api/orders/${orderId}/status`)
    .set('Authorization', staff.auth)
    .send({ status });
}

/** Moves an order through `statuses` in turn, each answered 200. */
export async function moveOrder(
  t: TestApp,
  staff: TestUser,
  orderId: string,
  ...statuses: OrderStatus[]
): Promise<void> {
  for (const status of statuses) {
    const res = expectStatus(await patchStatus(t, staff, orderId, status), 200);
    expect((res.body as { status: string }).status).toBe(status);
  }
}

/** `listNotifications` of `user`, answered 200. */
export async function listNotifications(
  t: TestApp,
  user: TestUser,
  query: Record<string, string | number | boolean> = {},
): Promise<NotificationView[]> {
  const res = expectStatus(
    await t.http.get('/api/notifications').query(query).set('Authorization', user.auth),
    200,
  );
  return (res.body as { items: NotificationView[] }).items;
}

export async function unreadCount(t: TestApp, user: TestUser): Promise<number> {
  const res = expectStatus(
    await t.http.get('/api/notifications/unread-count').set('Authorization', user.auth),
    200,
  );
  return (res.body as { count: number }).count;
}

/** Rows in `notifications` of a user, straight from the database. */
export async function storedNotificationCount(t: TestApp, userId: string): Promise<number> {
  const [row] = await t.dataSource.query<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM notifications WHERE user_id = $1`,
    [userId],
  );
  return row.n;
}

/** For pushes on the shared `staff` room: other suites' orders arrive there too. */
export const forOrder =
  (orderId: string) =>
  (payload: { orderId: string }): boolean =>
    payload.orderId === orderId;
