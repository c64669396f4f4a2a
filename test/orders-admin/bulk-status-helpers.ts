import type { Response } from 'supertest';
import type { OrderStatus } from '../orders/order-builders.js';
import type { TestApp, TestUser } from '../support/test-app.js';

/** One order's line of a `bulkUpdateOrderStatus` answer. */
export interface BulkItem {
  orderId: string;
  result: 'updated' | 'failed';
  number: string | null;
  status: OrderStatus | null;
  paymentStatus: string | null;
  error: { statusCode: number; code: string; message: string; details: unknown } | null;
}

export interface BulkAnswer {
  items: BulkItem[];
  updated: number;
  failed: number;
}

/** POST /api/orders/bulk-status as `actor`. */
export function bulkMove(
  t: TestApp,
  actor: TestUser | undefined,
  body: unknown,
): Promise<Response> {
  const req = t.http.post('/api/orders/bulk-status');
  if (actor) void req.set('Authorization', actor.auth);
  return req.send(body as object).then((r) => r);
}

/** The stored `order_status_update` notifications of an order: `[oldStatus, newStatus]` pairs. */
export async function statusNotifications(
  t: TestApp,
  orderId: string,
): Promise<Array<[string, string]>> {
  const rows = await t.dataSource.query<Array<{ data: { oldStatus: string; newStatus: string } }>>(
    `SELECT data FROM notifications
      WHERE type = 'order_status_update' AND data->>'orderId' = $1 ORDER BY id`,
    [orderId],
  );
  return rows.map((r) => [r.data.oldStatus, r.data.newStatus]);
}

/** `order_status_history` rows of an order, oldest first. */
export async function historyRows(
  t: TestApp,
  orderId: string,
): Promise<Array<{ from: string | null; to: string; by: string | null; note: string | null }>> {
  return t.dataSource.query(
    `SELECT from_status AS "from", to_status AS "to", by_user_id AS "by", note
       FROM order_status_history WHERE order_id = $1 ORDER BY id`,
    [orderId],
  );
}
