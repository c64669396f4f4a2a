import type pg from 'pg';
import type { Report } from '../lib/report.js';
import type { Connection } from './sockets.js';
import { type AcceptedChange, coveringConnections, type World } from './workload.js';

/** A push may trail the HTTP answer (another connection): a socket must stay this long after. */
const DELIVERY_GRACE_MS = 1_000;

/** Stock: for every product, initial = final + units in orders that were not cancelled. */
export async function checkStock(
  db: pg.Pool,
  report: Report,
  initial: ReadonlyMap<string, number>,
): Promise<void> {
  const { rows } = await db.query<{ id: string; stock: number; sold: number }>(
    `SELECT p.id, p.stock, COALESCE(s.sold, 0)::int AS sold
       FROM products p
       LEFT JOIN (SELECT oi.product_id, SUM(oi.quantity) AS sold
                    FROM order_items oi JOIN orders o ON o.id = oi.order_id
                   WHERE o.status <> 'cancelled' GROUP BY oi.product_id) s ON s.product_id = p.id`,
  );
  const wrong = rows.filter((r) => initial.get(r.id) !== r.stock + r.sold);
  const negative = rows.filter((r) => r.stock < 0);
  const sold = rows.reduce((n, r) => n + r.sold, 0);
  const soldOut = rows.filter((r) => r.stock === 0 && r.sold > 0).length;
  report.check(
    `stock agrees with orders for every product (${rows.length.toLocaleString('en')} products: initial = final + units in orders not cancelled)`,
    wrong.length === 0 && rows.length === initial.size,
    wrong.length === 0
      ? `${sold.toLocaleString('en')} units sold, ${soldOut} products sold out by the soak`
      : wrong
          .slice(0, 5)
          .map((r) => `${r.id}: initial ${initial.get(r.id)} ≠ ${r.stock} + ${r.sold}`)
          .join('; '),
  );
  report.check('no negative stock', negative.length === 0, negative.map((r) => r.id).join(', '));
}

/** Orders: exactly the ones answered 201, each with its lines and consistent totals. */
export async function checkOrders(db: pg.Pool, report: Report, w: World): Promise<number> {
  const { rows } = await db.query<{ id: string; user_id: string; bad_total: boolean }>(
    `SELECT o.id, o.user_id,
            o.subtotal <> COALESCE((SELECT SUM(line_total) FROM order_items WHERE order_id = o.id), -1)
              OR o.total <> o.subtotal + o.shipping_amount + o.tax_amount - o.discount_amount AS bad_total
       FROM orders o`,
  );
  const stored = new Map(rows.map((r) => [r.id, r.user_id]));
  const missing = [...w.owners].filter(([id, owner]) => stored.get(id) !== owner);
  const extra = rows.filter((r) => !w.owners.has(r.id));
  const badTotals = rows.filter((r) => r.bad_total);
  report.check(
    `the orders are exactly the ${w.owners.size.toLocaleString('en')} checkouts answered 201, each with its owner`,
    missing.length === 0 && extra.length === 0,
    [
      missing.length ? `${missing.length} answered but not stored as such` : '',
      extra.length ? `${extra.length} stored but never answered 201` : '',
    ]
      .filter(Boolean)
      .join('; '),
  );
  report.check(
    'every order: subtotal = sum of its lines, total = subtotal + shipping + tax − discount',
    badTotals.length === 0,
    badTotals
      .slice(0, 5)
      .map((r) => r.id)
      .join(', '),
  );
  report.check(
    `idempotent replays answered the first order (${w.replays.count} replays)`,
    w.replays.mismatched === 0,
    w.replays.mismatched ? `${w.replays.mismatched} did not` : '',
  );
  return rows.length;
}

/**
 * Notifications: every status change in the history has exactly one stored
 * `order_status_update` for the owner (and there are no others), every order one
 * `order_created`; the changes the soak saw accepted are exactly the history's.
 */
export async function checkNotifications(
  db: pg.Pool,
  report: Report,
  w: World,
): Promise<Set<string>> {
  const { rows: changes } = await db.query<{ n: number; unmatched: number }>(
    `SELECT count(*)::int AS n,
            count(*) FILTER (WHERE (SELECT count(*) FROM notifications n
                                     WHERE n.user_id = o.user_id AND n.type = 'order_status_update'
                                       AND n.data->>'orderId' = o.id::text
                                       AND n.data->>'oldStatus' = h.from_status
                                       AND n.data->>'newStatus' = h.to_status) <> 1)::int AS unmatched
       FROM order_status_history h JOIN orders o ON o.id = h.order_id
      WHERE h.from_status IS NOT NULL`,
  );
  const { rows: kinds } = await db.query<{ type: string; n: number }>(
    `SELECT type, count(*)::int AS n FROM notifications GROUP BY type`,
  );
  const { rows: created } = await db.query<{ wrong: number }>(
    `SELECT count(*)::int AS wrong FROM orders o
      WHERE (SELECT count(*) FROM notifications n
              WHERE n.user_id = o.user_id AND n.type = 'order_created'
                AND n.data->>'orderId' = o.id::text) <> 1`,
  );
  const history = changes[0];
  const statusRows = kinds.find((k) => k.type === 'order_status_update')?.n ?? 0;
  report.check(
    `every status change in the history has exactly one stored notification for the owner (${history.n.toLocaleString('en')} changes)`,
    history.unmatched === 0 && statusRows === history.n,
    history.unmatched
      ? `${history.unmatched} without exactly one`
      : statusRows !== history.n
        ? `${statusRows} order_status_update notifications for ${history.n} changes`
        : '',
  );
  report.check(
    `the status changes answered 200 are exactly the history's (${w.changes.length.toLocaleString('en')} accepted)`,
    w.changes.length === history.n,
    w.changes.length === history.n
      ? ''
      : `${w.changes.length} accepted, ${history.n} in the history`,
  );
  report.check(
    'every order has exactly one order_created notification',
    created[0].wrong === 0,
    created[0].wrong ? `${created[0].wrong} orders without exactly one` : '',
  );
  const { rows: ids } = await db.query<{ id: string; order_id: string; new_status: string }>(
    `SELECT id, data->>'orderId' AS order_id, data->>'newStatus' AS new_status
       FROM notifications WHERE type = 'order_status_update'`,
  );
  return new Set(ids.map((r) => `${r.id}|${r.order_id}|${r.new_status}`));
}

/**
 * Pushes: every accepted change reached each socket of its owner that was connected from before
 * the request until a moment after the answer, and every staff socket likewise; every push
 * received names a stored notification of that order and status.
 */
export function checkDeliveries(
  report: Report,
  w: World,
  stored: ReadonlySet<string>,
  staffIds: ReadonlySet<string>,
): { expected: number; delivered: number } {
  const connections = w.churn.connections;
  const staffConnections = connections.filter((c) => c.userId && staffIds.has(c.userId));
  let expected = 0;
  let delivered = 0;
  const missed: string[] = [];
  const received = (c: Connection, change: AcceptedChange): boolean =>
    c.pushes.some((p) => p.orderId === change.orderId && p.newStatus === change.newStatus);
  for (const change of w.changes) {
    const window = [change.sentAt, change.answeredAt + DELIVERY_GRACE_MS] as const;
    const owners = coveringConnections(connections, change.userId, ...window);
    const staff = coveringConnections(staffConnections, undefined, ...window);
    for (const c of [...owners, ...staff]) {
      expected += 1;
      if (received(c, change)) delivered += 1;
      else if (missed.length < 5) missed.push(`${change.orderId} → ${change.newStatus}`);
    }
  }
  report.check(
    `every status change reached the connected sockets of its owner and of staff (${delivered.toLocaleString('en')} of ${expected.toLocaleString('en')} deliveries)`,
    delivered === expected && expected > 0,
    missed.join('; '),
  );
  const pushes = connections.flatMap((c) => c.pushes);
  const unknown = pushes.filter(
    (p) => !stored.has(`${p.notificationId}|${p.orderId}|${p.newStatus}`),
  );
  report.check(
    `every push received names a stored notification of that order and status (${pushes.length.toLocaleString('en')} pushes)`,
    unknown.length === 0,
    unknown
      .slice(0, 5)
      .map((p) => `${p.notificationId}: ${p.orderId} → ${p.newStatus}`)
      .join('; '),
  );
  const dropped = connections.filter((c) => c.droppedBy);
  report.check(
    `no socket was dropped by the server (${connections.length.toLocaleString('en')} connections, ${w.churn.failures.length} failed handshakes)`,
    dropped.length === 0 && w.churn.failures.length === 0,
    [
      ...dropped.slice(0, 3).map((c) => `dropped: ${c.droppedBy}`),
      ...w.churn.failures.slice(0, 3),
    ].join('; '),
  );
  return { expected, delivered };
}
