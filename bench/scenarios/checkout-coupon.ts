import { randomUUID } from 'node:crypto';
import type { BenchContext } from '../lib/context.js';
import { expectStatus, request } from '../lib/http.js';
import { type BuyersRun, reportRun, runBuyers } from './checkout-buyers.js';

/** A fixed discount (minor units): every seeded product costs more. */
const DISCOUNT = 100;

async function createCoupon(ctx: BenchContext, usageLimit: number | null): Promise<string> {
  const code = `BENCH-${randomUUID().slice(0, 8).toUpperCase()}`;
  await expectStatus(
    request(ctx.a.url, 'POST', '/api/coupons', {
      token: ctx.admin.token,
      body: { code, discountType: 'fixed', discountValue: DISCOUNT, usageLimit },
    }),
    201,
    `create coupon ${code}`,
  );
  return code;
}

/** Uses the coupon holds and orders that carry its code, as the database has them. */
async function booksOf(ctx: BenchContext, code: string): Promise<{ uses: number; orders: number }> {
  const { rows } = await ctx.db.query<{ uses: string; orders: string }>(
    `SELECT (SELECT count(*) FROM coupon_redemptions r JOIN coupons c ON c.id = r.coupon_id
              WHERE c.code = $1 AND r.released_at IS NULL) AS uses,
            (SELECT count(*) FROM orders WHERE coupon_code = $1) AS orders`,
    [code],
  );
  return { uses: Number(rows[0].uses), orders: Number(rows[0].orders) };
}

/** Stock and units in order lines of the buyers' distinct products, per product. */
async function stockBooks(
  ctx: BenchContext,
): Promise<Map<string, { stock: number; sold: number }>> {
  const { rows } = await ctx.db.query<{ id: string; stock: number; sold: string }>(
    `SELECT p.id, p.stock,
            (SELECT COALESCE(SUM(oi.quantity), 0) FROM order_items oi WHERE oi.product_id = p.id) AS sold
       FROM products p WHERE p.id = ANY($1::uuid[])`,
    [ctx.products.distinct.map((p) => p.id)],
  );
  return new Map(rows.map((r) => [r.id, { stock: r.stock, sold: Number(r.sold) }]));
}

/** Each 201 carried the code and holds one use; the discount is on every such order. */
function checkUses(
  ctx: BenchContext,
  what: string,
  run: BuyersRun,
  books: { uses: number; orders: number },
): void {
  ctx.report.check(
    `${what}: coupon uses = orders with its code = checkouts answered 201`,
    books.uses === run.orders && books.orders === run.orders,
    `${books.uses} uses, ${books.orders} orders with the code, ${run.orders} answered 201`,
  );
}

/**
 * Checkout with one coupon (part of scenario 4, after its coupon-free runs; `plainOrdersPerS` is
 * their distinct-products figure), 64 buyers on distinct products (so only the coupon can
 * serialize them): first a coupon without limits for a fixed time (its row is not locked, so
 * this runs like the coupon-free checkout), then one with a usage limit (its row is locked by
 * every checkout) until the limit is used up. The limit must hold: uses ≤ limit, exactly the
 * limit once its 422s came, and each 201 holds one use.
 */
export async function couponCheckout(ctx: BenchContext, plainOrdersPerS: number): Promise<void> {
  const { options, products } = ctx;
  const n = ctx.buyers.length;
  const limit = options.hotStock;
  console.log(`• checkout with one coupon: ${n} concurrent buyers on distinct products`);
  const before = await stockBooks(ctx);

  const unlimitedCode = await createCoupon(ctx, null);
  const unlimited = await runBuyers(ctx, {
    productOf: (i) => products.distinct[i],
    durationS: options.checkoutDurationS,
    coupon: { code: unlimitedCode, limited: false },
  });
  reportRun(ctx, 'checkout, coupon without limits', unlimited);
  checkUses(ctx, 'coupon without limits', unlimited, await booksOf(ctx, unlimitedCode));

  const limitedCode = await createCoupon(ctx, limit);
  const limited = await runBuyers(ctx, {
    productOf: (i) => products.distinct[i],
    durationS: options.hotCapS,
    coupon: { code: limitedCode, limited: true },
  });
  reportRun(ctx, `checkout, coupon limited to ${limit} uses`, limited);
  const books = await booksOf(ctx, limitedCode);
  checkUses(ctx, 'coupon with a usage limit', limited, books);
  const usedUp = books.uses === limit;
  ctx.report.check(
    'coupon with a usage limit: uses ≤ limit, and the 422s come only once it is used up',
    books.uses <= limit && (limited.limitReached422 === 0 || usedUp),
    `${books.uses} uses of ${limit}, ${limited.limitReached422} limit-reached 422s`,
  );
  ctx.report.warnUnless(
    `coupon limit used up within ${options.hotCapS} s (so the limit-reached path ran)`,
    usedUp && limited.limitReached422 > 0,
  );

  const after = await stockBooks(ctx);
  const mismatched = products.distinct.filter((p) => {
    const [b, a] = [before.get(p.id), after.get(p.id)];
    return !b || !a || b.stock - a.stock !== a.sold - b.sold;
  });
  const sold = [...after].reduce((sum, [id, a]) => sum + a.sold - (before.get(id)?.sold ?? 0), 0);
  ctx.report.check(
    'coupon checkouts: stock taken = units in order lines = orders answered 201',
    mismatched.length === 0 && sold === unlimited.orders + limited.orders,
    `${mismatched.length} products whose stock and lines disagree; ${sold} units sold, ${unlimited.orders + limited.orders} answered 201`,
  );
  ctx.report.data.couponCheckout = { limit, unlimited, limited, uses: books.uses };

  ctx.report.add({
    key: 'checkout_coupon_unlimited_orders_per_s',
    figure: `checkout, ${n} buyers, one coupon without limits`,
    value: unlimited.ordersPerS,
    unit: 'orders/s',
    detail: `p95 ${unlimited.latencyMs.p95.toFixed(1)} ms`,
    baseline: plainOrdersPerS,
    baselineWhat: 'the same without a coupon',
  });
  ctx.report.add({
    key: 'checkout_coupon_limited_orders_per_s',
    figure: `checkout, ${n} buyers, one coupon limited to ${limit.toLocaleString('en')} uses`,
    value: limited.ordersPerS,
    unit: 'orders/s',
    detail: `p95 ${limited.latencyMs.p95.toFixed(1)} ms, ${usedUp ? `used up in ${limited.elapsedS.toFixed(1)} s` : 'not used up'}`,
    baseline: unlimited.ordersPerS,
    baselineWhat: 'the same, coupon without limits',
  });
  ctx.report.add({
    key: 'checkout_coupon_limited_overused',
    figure: 'coupon with a usage limit: uses beyond the limit',
    value: Math.max(0, books.uses - limit),
    unit: 'uses',
    digits: 0,
    detail: `${books.uses} uses of ${limit}`,
    target: '0',
    met: books.uses <= limit,
  });
}
