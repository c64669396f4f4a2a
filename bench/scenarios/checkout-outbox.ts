import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BenchContext } from '../lib/context.js';
import { median } from '../lib/stats.js';
import { type BuyersRun, reportRun, runBuyers } from './checkout-buyers.js';

/**
 * The job-engine schema of app C, which runs no workers: what it enqueues waits there, and no
 * instance works it, so checkouts on C write the outbox without any dispatch during the run.
 */
const DEFERRED_JOBS_SCHEMA = 'pgboss_bench_deferred';

/** Stock, and units in order lines, summed over the buyers' distinct products. */
async function distinctBooks(ctx: BenchContext): Promise<{ stock: number; sold: number }> {
  const { rows } = await ctx.db.query<{ stock: string; sold: string }>(
    `SELECT sum(p.stock) AS stock,
            (SELECT COALESCE(SUM(oi.quantity), 0) FROM order_items oi WHERE oi.product_id = ANY($1::uuid[])) AS sold
       FROM products p WHERE p.id = ANY($1::uuid[])`,
    [ctx.products.distinct.map((p) => p.id)],
  );
  return { stock: Number(rows[0].stock), sold: Number(rows[0].sold) };
}

/** Outbox events not dispatched yet (A's own, and those C left for A's sweeper). */
async function undispatched(ctx: BenchContext): Promise<number> {
  const { rows } = await ctx.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM outbox_events WHERE dispatched_at IS NULL',
  );
  return rows[0].n;
}

/**
 * What the outbox costs a checkout, side by side in one run: the 64 buyers on distinct products,
 * alternately on A (production: each order's events written in its transaction and dispatched by
 * A's own workers — order email composed and written, webhook fan-out) and on C, an app like A
 * that writes the same events and jobs in the same transaction but runs no workers, on a job
 * schema of its own that no instance works: no dispatch at all while it is measured. A, C, A, C;
 * medians. The ratio A ÷ C is what dispatching in the instance costs. C is stopped afterwards;
 * its events are dispatched by A's sweeper (at most 1,000 a minute, once two minutes old), so
 * none is lost; the scenario runs last in the checkout for that reason.
 */
export async function outboxCost(ctx: BenchContext): Promise<void> {
  const { options, products } = ctx;
  console.log('  • the outbox: checkout with dispatch in the instance (A) and with none (C)');
  const c = await ctx.startApp('app-c', {
    JOBS_WORKERS: 'false',
    JOBS_SCHEMA: DEFERRED_JOBS_SCHEMA,
  });
  const before = await distinctBooks(ctx);
  const runs: { a: BuyersRun[]; c: BuyersRun[] } = { a: [], c: [] };
  const backlogAfterA: number[] = [];
  try {
    for (let round = 0; round < 2; round++) {
      for (const side of ['a', 'c'] as const) {
        const run = await runBuyers(ctx, {
          productOf: (i) => products.distinct[i],
          durationS: options.checkoutDurationS,
          server: side === 'a' ? ctx.a : c,
        });
        reportRun(
          ctx,
          side === 'a' ? 'checkout, outbox dispatched in A' : 'checkout, outbox undispatched (C)',
          run,
        );
        runs[side].push(run);
        if (side === 'a') backlogAfterA.push(await undispatched(ctx));
      }
    }
  } finally {
    await ctx.processes.stop(c.child);
  }
  const after = await distinctBooks(ctx);
  const orders = [...runs.a, ...runs.c].reduce((sum, r) => sum + r.orders, 0);
  ctx.report.check(
    'outbox runs: stock taken = units in new order lines = orders answered 201',
    before.stock - after.stock === orders && after.sold - before.sold === orders,
    `stock ${before.stock} → ${after.stock}, units sold ${before.sold} → ${after.sold}, ${orders} answered 201`,
  );

  // How long A's workers take to catch up with what A's own runs left (C's events excluded).
  const drainStart = performance.now();
  const { rows } = await ctx.db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM outbox_events e
      WHERE e.dispatched_at IS NULL
        AND EXISTS (SELECT 1 FROM pgboss.job j WHERE j.id = e.id)`,
  );
  let left = rows[0].n;
  while (left > 0 && performance.now() - drainStart < 60_000) {
    await sleep(250);
    const { rows: now } = await ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM outbox_events e
        WHERE e.dispatched_at IS NULL
          AND EXISTS (SELECT 1 FROM pgboss.job j WHERE j.id = e.id)`,
    );
    left = now[0].n;
  }
  const drainS = (performance.now() - drainStart) / 1000;

  const a = median(runs.a.map((r) => r.ordersPerS));
  const deferred = median(runs.c.map((r) => r.ordersPerS));
  ctx.report.data.checkoutOutbox = { runs, backlogAfterA, drainS, leftAfterDrain: left };
  ctx.report.add({
    key: 'checkout_outbox_dispatched_orders_per_s',
    figure: `checkout, ${ctx.buyers.length} buyers on distinct products, outbox dispatched in the instance`,
    value: a,
    unit: 'orders/s',
    detail: `runs ${runs.a.map((r) => r.ordersPerS.toFixed(0)).join(', ')}; ${backlogAfterA.join(', ')} events undispatched at the end of each; caught up ${left === 0 ? `${drainS.toFixed(1)} s` : `not within 60 s (${left} left)`} later`,
    baseline: deferred,
    baselineWhat: `the same checkout, outbox written but not dispatched (C, no workers; runs ${runs.c.map((r) => r.ordersPerS.toFixed(0)).join(', ')})`,
  });
}
