import { performance } from 'node:perf_hooks';
import type { Socket } from 'socket.io-client';
import type { AppServer, BenchContext } from '../lib/context.js';
import { mapLimit, type Session } from '../lib/http.js';
import { rssMb } from '../lib/processes.js';
import {
  closeSockets,
  connectSockets,
  mintAccessToken,
  type OrderStatusUpdate,
} from '../lib/sockets.js';
import { percentiles } from '../lib/stats.js';

const PATH = ['confirmed', 'processing', 'shipped', 'delivered', 'refunded'];
const EVENT_TIMEOUT_MS = 5_000;
const BATCH = 500;

interface Sample {
  event: number;
  response: number;
}

/** Orders to move, each through PATH: sample i moves order i % n, so owners (and sockets) rotate. */
class Moves {
  private next = 0;
  constructor(private readonly orders: Array<{ id: string; userId: string }>) {}
  take(): { orderId: string; userId: string; to: string } {
    const i = this.next++;
    const order = this.orders[i % this.orders.length];
    const step = Math.floor(i / this.orders.length);
    if (step >= PATH.length) throw new Error('not enough orders to move');
    return { orderId: order.id, userId: order.userId, to: PATH[step] };
  }
}

/** Pending orders of the buyers (the checkout scenario left plenty), placing more if short. */
async function pendingOrders(
  ctx: BenchContext,
  count: number,
): Promise<Array<{ id: string; userId: string }>> {
  const query = () =>
    ctx.db.query<{ id: string; user_id: string }>(
      `SELECT id, user_id FROM orders WHERE status = 'pending' AND user_id = ANY($1::uuid[]) ORDER BY random() LIMIT $2`,
      [ctx.buyers.map((b) => b.userId), count],
    );
  let { rows } = await query();
  if (rows.length < count) {
    const missing = Array.from(
      { length: count - rows.length },
      (_, i) => ctx.buyers[i % ctx.buyers.length],
    );
    await mapLimit(missing, 8, async (buyer, i) => {
      const product = ctx.products.distinct[i % ctx.products.distinct.length];
      if ((await ctx.a.api.addToCart(buyer, product.id)).status !== 200)
        throw new Error('add to cart failed');
      if ((await ctx.a.api.checkout(buyer)).status !== 201) throw new Error('checkout failed');
    });
    ({ rows } = await query());
  }
  return rows.map((r) => ({ id: r.id, userId: r.user_id }));
}

/**
 * Request sent → event received, one change at a time: staff moves an order through app A, and
 * the owner's socket (on `target`) gets `order_status_update`. The PATCH's own response time is
 * the baseline (the event should come about as soon as the answer).
 */
async function measureLatency(
  ctx: BenchContext,
  target: string,
  owners: Map<string, Socket>,
  moves: Moves,
  samples: number,
): Promise<{
  event: ReturnType<typeof percentiles>;
  response: ReturnType<typeof percentiles>;
  lost: number;
  failed: string[];
}> {
  const waiters = new Map<string, (at: number) => void>();
  const onEvent = (update: OrderStatusUpdate): void => {
    waiters.get(`${update.orderId}:${update.newStatus}`)?.(performance.now());
  };
  for (const socket of owners.values()) socket.on('order_status_update', onEvent);
  const results: Sample[] = [];
  const failed: string[] = [];
  let lost = 0;
  try {
    for (let i = 0; i < samples; i += 1) {
      const move = moves.take();
      const key = `${move.orderId}:${move.to}`;
      let timer: NodeJS.Timeout | undefined;
      const received = new Promise<number | undefined>((resolve) => {
        waiters.set(key, resolve);
        timer = setTimeout(() => resolve(undefined), EVENT_TIMEOUT_MS);
      });
      const sent = performance.now();
      const res = await ctx.a.api.moveOrder(ctx.admin, move.orderId, move.to);
      const responded = performance.now();
      if (res.status !== 200) failed.push(`${res.status} ${res.body.slice(0, 200)}`);
      const at = res.status === 200 ? await received : undefined;
      clearTimeout(timer);
      waiters.delete(key);
      if (at === undefined) lost += res.status === 200 ? 1 : 0;
      else results.push({ event: at - sent, response: responded - sent });
    }
  } finally {
    for (const socket of owners.values()) socket.off('order_status_update', onEvent);
  }
  console.log(
    `    ${target.padEnd(44)} event p50 ${percentiles(results.map((r) => r.event)).p50.toFixed(1)}  p99 ${percentiles(results.map((r) => r.event)).p99.toFixed(1)} ms  (${results.length} events, ${lost} lost)`,
  );
  return {
    event: percentiles(results.map((r) => r.event)),
    response: percentiles(results.map((r) => r.response)),
    lost,
    failed,
  };
}

/** The buyers' own sockets (real accounts) on `server`, by user id. */
async function ownerSockets(server: AppServer, buyers: Session[]): Promise<Map<string, Socket>> {
  const sockets = await connectSockets(
    `${server.url}/notifications`,
    buyers.map((b) => b.token),
    BATCH,
  );
  return new Map(buyers.map((b, i) => [b.userId, sockets[i]]));
}

/** Scenario 5: notification latency with many sockets on one instance, then across two. */
export async function notifications(
  ctx: BenchContext,
): Promise<{ sockets: number; rssMb: number }> {
  const { options } = ctx;
  console.log('• notifications: status change request → order_status_update event');
  const configs = options.socketCounts.length + 1;
  const moves = new Moves(
    await pendingOrders(ctx, Math.ceil((options.notificationSamples * configs) / PATH.length) + 1),
  );
  const background = (count: number): string[] =>
    Array.from({ length: count }, () => mintAccessToken(ctx.jwtSecret, 4 * 3600));

  const runs: Record<string, unknown> = {};
  const rss = new Map<number, number>();
  const record = (
    key: string,
    figure: string,
    sockets: number,
    target: number,
    r: Awaited<ReturnType<typeof measureLatency>>,
  ): void => {
    runs[key] = { sockets, ...r };
    ctx.report.check(
      `${figure}: every change answered 200 and its event arrived`,
      r.failed.length === 0 && r.lost === 0 && Number.isFinite(r.event.p99),
      `${r.lost} events lost${r.failed.length ? `; ${r.failed[0]}` : ''}`,
    );
    ctx.report.add({
      key,
      figure: `${figure} p99`,
      value: r.event.p99,
      unit: 'ms',
      detail: `p50 ${r.event.p50.toFixed(1)}`,
      baseline: r.response.p99,
      baselineWhat: 'the PATCH response p99',
      target: `≤ ${target} ms at 10,000 sockets`,
      met: sockets === 10_000 ? r.event.p99 <= target : undefined,
    });
  };

  // One instance: the buyers' sockets and background ones on A, changes through A.
  const owners = await ownerSockets(ctx.a, ctx.buyers);
  const extra: Socket[] = [];
  try {
    for (const count of options.socketCounts) {
      const more = count - ctx.buyers.length - extra.length;
      if (more > 0)
        extra.push(
          ...(await connectSockets(`${ctx.a.url}/notifications`, background(more), BATCH)),
        );
      const figure = `notification latency, ${count.toLocaleString('en')} sockets on one instance`;
      record(
        `notify_single_${count}`,
        figure,
        count,
        100,
        await measureLatency(ctx, figure, owners, moves, options.notificationSamples),
      );
      rss.set(count, rssMb(ctx.a.child.pid));
    }
  } finally {
    closeSockets([...owners.values(), ...extra]);
  }

  // Two instances through Redis: every socket on B, changes through A.
  const ownersB = await ownerSockets(ctx.b, ctx.buyers);
  const extraB: Socket[] = [];
  try {
    const more = options.crossSockets - ctx.buyers.length;
    if (more > 0)
      extraB.push(...(await connectSockets(`${ctx.b.url}/notifications`, background(more), BATCH)));
    const figure = `notification latency, ${options.crossSockets.toLocaleString('en')} sockets on B, changes via A`;
    record(
      'notify_cross',
      figure,
      options.crossSockets,
      150,
      await measureLatency(ctx, figure, ownersB, moves, options.notificationSamples),
    );
  } finally {
    closeSockets([...ownersB.values(), ...extraB]);
  }
  ctx.report.data.notifications = { ...runs, rssMbOfAWithSockets: Object.fromEntries(rss) };
  const sockets = Math.max(...options.socketCounts);
  return { sockets, rssMb: rss.get(sockets) ?? Number.NaN };
}
