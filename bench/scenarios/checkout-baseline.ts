import { performance } from 'node:perf_hooks';
import type { BenchContext } from '../lib/context.js';
import { openPool } from '../lib/database.js';
import { percentiles } from '../lib/stats.js';

export interface TxRate {
  tps: number;
  p95: number;
  transactions: number;
}

/**
 * The database's own ceiling for a checkout, measured from this process with `pg` and the app's
 * pool size (20): BEGIN; SELECT … FOR UPDATE; UPDATE stock; INSERT an order row; COMMIT — with
 * `workers` concurrent clients, each on its own row (distinct) or all on one row (hot). The app's
 * checkout does the same locking plus its cart, order lines, idempotency key and notification.
 */
export async function lockedStockBaseline(
  ctx: BenchContext,
  workers: number,
  durationS: number,
): Promise<{ distinct: TxRate; hot: TxRate }> {
  await ctx.db.query(`
    CREATE TABLE IF NOT EXISTS bench_stock (id int PRIMARY KEY, stock int NOT NULL CHECK (stock >= 0));
    CREATE TABLE IF NOT EXISTS bench_orders (id bigserial PRIMARY KEY, stock_id int NOT NULL,
                                             quantity int NOT NULL, created_at timestamptz NOT NULL DEFAULT now());
    INSERT INTO bench_stock (id, stock) SELECT g, 1000000000 FROM generate_series(0, ${workers}) g
      ON CONFLICT (id) DO NOTHING;`);
  const pool = openPool(ctx.options.databaseUrl, 20);
  try {
    const run = async (rowOf: (worker: number) => number): Promise<TxRate> => {
      const latencies: number[] = [];
      const start = performance.now();
      const deadline = start + durationS * 1000;
      await Promise.all(
        Array.from({ length: workers }, async (_, worker) => {
          const id = rowOf(worker);
          while (performance.now() < deadline) {
            const sent = performance.now();
            const client = await pool.connect();
            try {
              await client.query('BEGIN');
              await client.query('SELECT stock FROM bench_stock WHERE id = $1 FOR UPDATE', [id]);
              await client.query('UPDATE bench_stock SET stock = stock - 1 WHERE id = $1', [id]);
              await client.query('INSERT INTO bench_orders (stock_id, quantity) VALUES ($1, 1)', [
                id,
              ]);
              await client.query('COMMIT');
            } finally {
              client.release();
            }
            latencies.push(performance.now() - sent);
          }
        }),
      );
      const elapsedS = (performance.now() - start) / 1000;
      return {
        tps: latencies.length / elapsedS,
        p95: percentiles(latencies).p95,
        transactions: latencies.length,
      };
    };
    const distinct = await run((worker) => worker + 1);
    const hot = await run(() => 0);
    console.log(
      `    baseline: locked stock transaction in pg   ${distinct.tps.toFixed(0).padStart(7)} tx/s distinct rows, ${hot.tps.toFixed(0)} tx/s one row`,
    );
    return { distinct, hot };
  } finally {
    await pool.end();
  }
}
