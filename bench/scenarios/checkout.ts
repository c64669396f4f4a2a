import type { BenchContext } from '../lib/context.js';
import type { ProductRef } from '../lib/http.js';
import { lockedStockBaseline } from './checkout-baseline.js';
import { reportRun, runBuyers } from './checkout-buyers.js';
import { couponCheckout } from './checkout-coupon.js';
import { outboxCost } from './checkout-outbox.js';

/** Stock and orders agree for `products`: initial − final = units in order lines = 201s seen. */
async function verifyStock(
  ctx: BenchContext,
  what: string,
  products: ProductRef[],
  initial: number,
  ordersSeen: number,
): Promise<{ sold: number; finalStock: number[]; oversold: number }> {
  const { rows } = await ctx.db.query<{ id: string; stock: number; sold: string }>(
    `SELECT p.id, p.stock,
            (SELECT COALESCE(SUM(oi.quantity), 0) FROM order_items oi WHERE oi.product_id = p.id) AS sold
       FROM products p WHERE p.id = ANY($1::uuid[])`,
    [products.map((p) => p.id)],
  );
  const sold = rows.reduce((sum, r) => sum + Number(r.sold), 0);
  const mismatched = rows.filter((r) => initial - r.stock !== Number(r.sold));
  const oversold = rows.reduce((sum, r) => sum + Math.max(0, Number(r.sold) - initial), 0);
  ctx.report.check(
    `${what}: initial stock − final stock = units in order lines, for each product`,
    rows.length === products.length && mismatched.length === 0 && rows.every((r) => r.stock >= 0),
    mismatched.map((r) => `${r.id}: ${initial} − ${r.stock} ≠ ${r.sold}`).join('; '),
  );
  ctx.report.check(
    `${what}: units in order lines = orders answered 201`,
    sold === ordersSeen,
    `${sold} units in order lines, ${ordersSeen} orders answered 201`,
  );
  return { sold, finalStock: rows.map((r) => r.stock), oversold };
}

/** Every order of the buyers has lines, and there are as many as checkouts answered 201. */
async function verifyOrders(ctx: BenchContext, ordersSeen: number): Promise<void> {
  const { rows } = await ctx.db.query<{ orders: string; empty: string }>(
    `SELECT COUNT(*) AS orders,
            COUNT(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM order_items oi WHERE oi.order_id = o.id)) AS empty
       FROM orders o WHERE o.user_id = ANY($1::uuid[])`,
    [ctx.buyers.map((b) => b.userId)],
  );
  ctx.report.check(
    'checkout: the buyers have exactly the orders answered 201, each with its lines',
    Number(rows[0].orders) === ordersSeen && Number(rows[0].empty) === 0,
    `${rows[0].orders} orders in the database, ${ordersSeen} answered 201, ${rows[0].empty} without lines`,
  );
}

/**
 * Scenario 4: checkout throughput on distinct products and on one hot product, then the books;
 * then checkout with one coupon, without limits and with a usage limit (checkout-coupon.ts); then
 * what dispatching the outbox in the instance costs (checkout-outbox.ts).
 */
export async function checkout(ctx: BenchContext): Promise<void> {
  const { options, products, stock } = ctx;
  const n = ctx.buyers.length;
  console.log(`• checkout: ${n} concurrent buyers on app A`);
  const baseline = await lockedStockBaseline(ctx, n, options.durationS);

  const distinct = await runBuyers(ctx, {
    productOf: (i) => products.distinct[i],
    durationS: options.checkoutDurationS,
  });
  reportRun(ctx, 'checkout, distinct products', distinct);
  await verifyStock(ctx, 'distinct products', products.distinct, stock.distinct, distinct.orders);

  const hot = await runBuyers(ctx, {
    productOf: () => products.hot,
    durationS: options.hotCapS,
    hot: true,
  });
  reportRun(ctx, 'checkout, one hot product', hot);
  const books = await verifyStock(ctx, 'hot product', [products.hot], stock.hot, hot.orders);
  const soldOut = books.finalStock[0] === 0;
  ctx.report.warnUnless(
    `hot product sold out within ${options.hotCapS} s (so the out-of-stock path ran)`,
    soldOut && hot.outOfStock409 > 0,
  );
  ctx.report.check(
    'hot product: the 409s are exactly the out-of-stock answers',
    hot.outOfStock409 === 0 || soldOut,
    `${hot.outOfStock409} out-of-stock 409s, final stock ${books.finalStock[0]}`,
  );
  await verifyOrders(ctx, distinct.orders + hot.orders);
  ctx.report.data.checkout = {
    baseline,
    distinct,
    hot,
    hotStock: stock.hot,
    hotFinalStock: books.finalStock[0],
  };

  ctx.report.add({
    key: 'checkout_distinct_orders_per_s',
    figure: `checkout, ${n} buyers on distinct products`,
    value: distinct.ordersPerS,
    unit: 'orders/s',
    detail: `p95 ${distinct.latencyMs.p95.toFixed(1)} ms`,
    baseline: baseline.distinct.tps,
    baselineWhat: 'locked stock transaction in pg',
    target: '≥ 300 orders/s',
    met: distinct.ordersPerS >= 300,
  });
  ctx.report.add({
    key: 'checkout_distinct_p95',
    figure: 'checkout on distinct products p95',
    value: distinct.latencyMs.p95,
    unit: 'ms',
    detail: `p50 ${distinct.latencyMs.p50.toFixed(1)}, p99 ${distinct.latencyMs.p99.toFixed(1)}`,
    baseline: baseline.distinct.p95,
    baselineWhat: 'pg transaction p95',
  });
  ctx.report.add({
    key: 'checkout_hot_orders_per_s',
    figure: `checkout, ${n} buyers on one hot product (stock ${stock.hot.toLocaleString('en')})`,
    value: hot.ordersPerS,
    unit: 'orders/s',
    detail: `p95 ${hot.latencyMs.p95.toFixed(1)} ms, ${soldOut ? `sold out in ${hot.elapsedS.toFixed(1)} s` : 'not sold out'}`,
    baseline: baseline.hot.tps,
    baselineWhat: 'locked stock transaction in pg, one row',
    target: '≥ 100 orders/s',
    met: hot.ordersPerS >= 100,
  });
  ctx.report.add({
    key: 'checkout_hot_oversold',
    figure: 'hot product: units sold beyond stock',
    value: books.oversold,
    unit: 'units',
    digits: 0,
    detail: `${hot.orders} orders, ${hot.outOfStock409} out-of-stock 409s`,
    target: '0',
    met: books.oversold === 0,
  });
  await couponCheckout(ctx, distinct.ordersPerS);
  await outboxCost(ctx);
}
