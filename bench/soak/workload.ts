import { randomUUID } from 'node:crypto';
import { SHIPPING_ADDRESS, type Session } from '../lib/http.js';
import { type Connection, type SocketChurn, sleepWhile } from './sockets.js';
import { okOnly, RACE_CODES, statusRaces, stockConflicts, type Traffic } from './traffic.js';

/** A status change the server accepted, with the moments the request was sent and answered. */
export interface AcceptedChange {
  orderId: string;
  userId: string;
  newStatus: string;
  sentAt: number;
  answeredAt: number;
}

/** What the actors share: the traffic recorder, the accounts, the catalog, and what happened. */
export interface World {
  traffic: Traffic;
  churn: SocketChurn;
  running: () => boolean;
  jwtSecret: string;
  catalog: {
    /** Slugs of active products, for detail reads. */
    slugs: string[];
    categories: string[];
    /** Few units each: buyers race for them (the expected 409s). */
    hot: string[];
    /** Plenty of stock. */
    regular: string[];
  };
  /** Orders placed (201, not replays) → their owner. */
  owners: Map<string, string>;
  /** Idempotent replays of a checkout, and those that answered another order than the first. */
  replays: { count: number; mismatched: number };
  changes: AcceptedChange[];
  /** Per-order outcomes inside bulk answers (the bulk request itself is counted by Traffic). */
  bulkItems: { updated: number; race: number; unexpected: string[] };
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const between = (min: number, max: number): number => min + Math.random() * (max - min);
const SORTS = ['price', '-price', 'name', '-name', 'createdAt', '-createdAt'];
const WORDS = ['pro', 'lite', 'max', 'air', 'trail', 'urban', 'classic', 'edge', 'flow', 'prime'];

/** Anonymous reads: lists, details, searches, category pages — mostly served by the cache. */
export async function browse(w: World): Promise<void> {
  const get = (operation: string, path: string) =>
    w.traffic.send(operation, 'GET', path, okOnly(200));
  while (w.running()) {
    await sleepWhile(w.running, between(20, 120));
    const r = Math.random();
    if (r < 0.35)
      await get(
        'listProducts',
        `/api/products?page=${1 + Math.floor(Math.random() * 50)}&pageSize=20&sort=${pick(SORTS)}`,
      );
    else if (r < 0.6) await get('getProduct', `/api/products/${pick(w.catalog.slugs)}`);
    else if (r < 0.75) await get('searchProducts', `/api/products?q=${pick(WORDS)}&sort=relevance`);
    else if (r < 0.85)
      await get(
        'listCategoryProducts',
        `/api/categories/${pick(w.catalog.categories)}/products?page=${1 + Math.floor(Math.random() * 3)}`,
      );
    else if (r < 0.92) await get('listCategories', '/api/categories');
    else if (r < 0.96) await get('listBrands', '/api/brands');
    else await get('listFeaturedProducts', '/api/products/featured');
  }
}

/**
 * A customer: fills the cart (a quarter of the lines from the hot products), checks out with an
 * Idempotency-Key (now and then sent twice), cancels some of their own orders, reads their
 * orders, notifications and cart.
 */
export async function buy(w: World, me: Session): Promise<void> {
  const token = me.token;
  const mine: string[] = [];
  while (w.running()) {
    await sleepWhile(w.running, between(100, 400));
    const r = Math.random();
    if (r < 0.6) {
      let added = 0;
      const lines = 1 + Math.floor(Math.random() * 3);
      for (let i = 0; i < lines; i += 1) {
        const productId = Math.random() < 0.25 ? pick(w.catalog.hot) : pick(w.catalog.regular);
        const res = await w.traffic.send(
          'addCartItem',
          'POST',
          '/api/cart/items',
          stockConflicts(200),
          {
            token,
            body: { productId, quantity: 1 + Math.floor(Math.random() * 2) },
          },
        );
        if (res.outcome === 'ok') added += 1;
      }
      if (added === 0) continue;
      const key = randomUUID();
      const checkout = () =>
        w.traffic.send('checkout', 'POST', '/api/orders', stockConflicts(201), {
          token,
          body: { shippingAddress: SHIPPING_ADDRESS },
          headers: { 'idempotency-key': key },
        });
      const res = await checkout();
      if (res.outcome === 'ok') {
        const id = (res.json as { id: string }).id;
        w.owners.set(id, me.userId);
        mine.push(id);
        if (Math.random() < 0.05) {
          const replay = await checkout();
          w.replays.count += 1;
          if (
            replay.outcome !== 'ok' ||
            replay.headers['idempotent-replayed'] !== 'true' ||
            (replay.json as { id?: string }).id !== id
          )
            w.replays.mismatched += 1;
        }
      } else {
        // Out of stock meanwhile: start over with an empty cart.
        await w.traffic.send('clearCart', 'DELETE', '/api/cart', okOnly(204), { token });
      }
    } else if (r < 0.68 && mine.length > 0) {
      const orderId = pick(mine.slice(-5));
      const res = await w.traffic.send(
        'cancelOrder',
        'POST',
        `/api/orders/${orderId}/cancel`,
        statusRaces(200),
        {
          token,
          body: { note: 'changed my mind' },
        },
      );
      if (res.outcome === 'ok')
        w.changes.push({
          orderId,
          userId: me.userId,
          newStatus: 'cancelled',
          sentAt: res.sentAt,
          answeredAt: res.answeredAt,
        });
    } else if (r < 0.82) {
      await w.traffic.send('listOrders', 'GET', '/api/orders?pageSize=10', okOnly(200), { token });
    } else if (r < 0.94) {
      await w.traffic.send('listNotifications', 'GET', '/api/notifications?limit=20', okOnly(200), {
        token,
      });
    } else {
      await w.traffic.send('getCart', 'GET', '/api/cart', okOnly(200), { token });
    }
  }
}

/** The customer's socket: connects, stays a while, leaves, comes back. */
export async function customerSocket(w: World, me: Session): Promise<void> {
  while (w.running()) {
    const connection = await w.churn.connect(me.token, me.userId);
    if (!connection) w.traffic.fail('socket connect', `customer ${me.userId}`);
    await sleepWhile(w.running, between(3_000, 20_000));
    if (connection) w.churn.close(connection);
    await sleepWhile(w.running, between(500, 5_000));
  }
}

const NEXT: Record<string, string> = {
  pending: 'confirmed',
  confirmed: 'processing',
  processing: 'shipped',
  shipped: 'delivered',
  delivered: 'refunded',
};
const CANCELLABLE = new Set(['pending', 'confirmed', 'processing']);
/** Which stage staff look at next: mostly the early ones, so most orders move on. */
const STAGES = [
  'pending',
  'pending',
  'pending',
  'confirmed',
  'confirmed',
  'processing',
  'processing',
  'shipped',
  'delivered',
];

/** Staff: list the orders of a stage and move them on, one at a time or in bulk. */
export async function work(w: World, staff: Session): Promise<void> {
  const token = staff.token;
  while (w.running()) {
    await sleepWhile(w.running, between(200, 600));
    const from = pick(STAGES);
    const list = await w.traffic.send(
      'listOrders (staff)',
      'GET',
      `/api/orders?status=${from}&pageSize=10`,
      okOnly(200),
      { token },
    );
    const items =
      (list.json as { items?: Array<{ id: string; userId: string }> } | undefined)?.items ?? [];
    if (items.length === 0) continue;
    const to = CANCELLABLE.has(from) && Math.random() < 0.1 ? 'cancelled' : NEXT[from];
    if (items.length >= 2 && Math.random() < 0.3) {
      const res = await w.traffic.send(
        'bulkUpdateOrderStatus',
        'POST',
        '/api/orders/bulk-status',
        okOnly(200),
        {
          token,
          body: { orderIds: items.map((o) => o.id), status: to, note: 'soak: bulk' },
        },
      );
      type Item = { orderId: string; result: string; error: { code: string } | null };
      for (const item of (res.json as { items?: Item[] } | undefined)?.items ?? []) {
        const owner = items.find((o) => o.id === item.orderId)?.userId ?? '';
        if (item.result === 'updated') {
          w.bulkItems.updated += 1;
          w.changes.push({
            orderId: item.orderId,
            userId: owner,
            newStatus: to,
            sentAt: res.sentAt,
            answeredAt: res.answeredAt,
          });
        } else if (item.error && RACE_CODES.has(item.error.code)) w.bulkItems.race += 1;
        else w.bulkItems.unexpected.push(`${item.orderId}: ${JSON.stringify(item.error)}`);
      }
      continue;
    }
    for (const order of items.slice(0, 1 + Math.floor(Math.random() * 3))) {
      if (!w.running()) break;
      const body: Record<string, string> = { status: to };
      if (to === 'shipped') body.trackingNumber = `SOAK-${order.id.slice(0, 8)}`;
      const res = await w.traffic.send(
        'updateOrderStatus',
        'PATCH',
        `/api/orders/${order.id}/status`,
        statusRaces(200),
        { token, body },
      );
      if (res.outcome === 'ok')
        w.changes.push({
          orderId: order.id,
          userId: order.userId,
          newStatus: to,
          sentAt: res.sentAt,
          answeredAt: res.answeredAt,
        });
    }
  }
}

/** Strangers' sockets (minted tokens): connection churn without any push to receive. */
export async function strangerSocket(w: World): Promise<void> {
  await sleepWhile(w.running, between(0, 3_000)); // spread the first handshakes
  await w.churn.background(
    w.jwtSecret,
    w.running,
    () => between(1_000, 10_000),
    () => between(200, 3_000),
  );
}

/** Connections that were up from `from` to `to` (the whole window) for `userId` (any if undefined). */
export function coveringConnections(
  connections: readonly Connection[],
  userId: string | undefined,
  from: number,
  to: number,
): Connection[] {
  return connections.filter(
    (c) =>
      (userId === undefined || c.userId === userId) && c.connectedAt <= from && c.closedAt >= to,
  );
}
