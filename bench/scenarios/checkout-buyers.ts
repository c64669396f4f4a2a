/** The buyers' loop of the checkout scenarios: add to cart, check out, again. */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AppServer, BenchContext } from '../lib/context.js';
import {
  type HttpResponse,
  type ProductRef,
  request,
  type Session,
  SHIPPING_ADDRESS,
} from '../lib/http.js';
import { percentiles } from '../lib/stats.js';

export interface BuyersRun {
  orders: number;
  /** Start to the last successful checkout's answer. */
  elapsedS: number;
  ordersPerS: number;
  latencyMs: ReturnType<typeof percentiles>;
  /** 409s that are out-of-stock answers with available < requested (hot product only). */
  outOfStock409: number;
  /** 422 `COUPON_USAGE_LIMIT_REACHED` answers (a limited coupon only). */
  limitReached422: number;
  unexpected: string[];
}

/** What the buyers of one run do. */
export interface BuyersSpec {
  productOf: (index: number) => ProductRef;
  /** How long they go on; only a cap when `hot` or a limited coupon ends them sooner. */
  durationS: number;
  /** Sold until out of stock: an out-of-stock 409 ends a buyer (the only 409 allowed). */
  hot?: boolean;
  /** Checked out with this code; when `limited`, its usage-limit 422 ends a buyer. */
  coupon?: { code: string; limited: boolean };
  /** The app they buy from (default A). */
  server?: AppServer;
}

interface ErrorBody {
  code?: string;
  details?: unknown;
}

/** An out-of-stock 409 of addCartItem (`{productId, available}`) or checkout (`[{…, requested, available}]`). */
function isOutOfStock(body: string, lineQuantity: number): boolean {
  const error = JSON.parse(body) as ErrorBody;
  if (error.code !== 'INSUFFICIENT_STOCK') return false;
  const details = [error.details].flat() as Array<{ requested?: number; available?: number }>;
  return (
    details.length > 0 &&
    details.every(
      (d) => typeof d.available === 'number' && d.available < (d.requested ?? lineQuantity),
    )
  );
}

/** POST /api/orders with an Idempotency-Key, and the coupon when there is one. */
function placeOrder(
  server: AppServer,
  session: Session,
  couponCode?: string,
): Promise<HttpResponse> {
  if (!couponCode) return server.api.checkout(session);
  return request(server.url, 'POST', '/api/orders', {
    token: session.token,
    body: { shippingAddress: SHIPPING_ADDRESS, couponCode },
    headers: { 'idempotency-key': randomUUID() },
  });
}

const isLimitReached = (body: string): boolean =>
  (JSON.parse(body) as ErrorBody).code === 'COUPON_USAGE_LIMIT_REACHED';

/**
 * Every buyer, concurrently: add one unit of its product to the cart, check out (with an
 * Idempotency-Key, and the spec's coupon), again, until the time is up — or, on the hot product,
 * until an add or a checkout says it is out of stock, or, with a limited coupon, until a
 * checkout says its limit is reached (the only 409s and 422s allowed): there `durationS` is
 * only a cap.
 */
export async function runBuyers(ctx: BenchContext, spec: BuyersSpec): Promise<BuyersRun> {
  const { productOf, durationS, hot = false, coupon, server = ctx.a } = spec;
  const api = server.api;
  await Promise.all(ctx.buyers.map((b) => api.clearCart(b)));
  const latencies: number[] = [];
  const unexpected: string[] = [];
  let orders = 0;
  let outOfStock409 = 0;
  let limitReached422 = 0;
  const start = performance.now();
  let lastOrderAt = start;
  const deadline = start + durationS * 1000;
  const buyer = async (session: Session, index: number): Promise<void> => {
    const product = productOf(index);
    let line = 0;
    while (performance.now() < deadline) {
      const add = await api.addToCart(session, product.id);
      if (add.status === 409 && hot && isOutOfStock(add.body, line + 1)) {
        outOfStock409 += 1;
        return;
      }
      if (add.status !== 200) {
        unexpected.push(`add to cart: ${add.status} ${add.body.slice(0, 200)}`);
        return;
      }
      line += 1;
      const sent = performance.now();
      const res = await placeOrder(server, session, coupon?.code);
      latencies.push(performance.now() - sent);
      if (res.status === 201) {
        orders += 1;
        line = 0;
        lastOrderAt = performance.now();
      } else if (res.status === 409 && hot && isOutOfStock(res.body, line)) {
        outOfStock409 += 1; // the cart keeps its line: the next add says out of stock and stops
      } else if (res.status === 422 && coupon?.limited && isLimitReached(res.body)) {
        limitReached422 += 1;
        return;
      } else {
        unexpected.push(`checkout: ${res.status} ${res.body.slice(0, 200)}`);
        return;
      }
    }
  };
  await ctx.rssA.during(() => Promise.all(ctx.buyers.map(buyer)));
  await Promise.all(ctx.buyers.map((b) => api.clearCart(b))); // a hot buyer's last line stays
  const elapsedS = (lastOrderAt - start) / 1000;
  return {
    orders,
    elapsedS,
    ordersPerS: elapsedS > 0 ? orders / elapsedS : 0,
    latencyMs: percentiles(latencies),
    outOfStock409,
    limitReached422,
    unexpected,
  };
}

export function reportRun(ctx: BenchContext, what: string, run: BuyersRun): void {
  ctx.report.check(
    `${what}: no failed request`,
    run.unexpected.length === 0 && run.orders > 0,
    run.unexpected.slice(0, 3).join(' | ') || (run.orders === 0 ? 'no order placed' : ''),
  );
  console.log(
    `    ${what.padEnd(44)} ${run.ordersPerS.toFixed(0).padStart(7)} orders/s  p50 ${run.latencyMs.p50.toFixed(1)}  p95 ${run.latencyMs.p95.toFixed(1)} ms  (${run.orders} orders, ${run.outOfStock409} out-of-stock 409s${run.limitReached422 ? `, ${run.limitReached422} limit-reached 422s` : ''})`,
  );
}
