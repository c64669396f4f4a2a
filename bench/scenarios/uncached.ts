import type { Request } from 'autocannon';
import { type BenchContext, measure } from '../lib/context.js';
import { expectStatus } from '../lib/http.js';

/**
 * p95 targets (ms, 8 connections) by catalog size, from issue 19: the nearest size at or above
 * the run's (2k, 100k, 1M); filtered lists have none below 100k.
 */
export function latencyTargets(products: number): { filtered?: number; search: number } {
  if (products <= 2_000) return { search: 30 };
  if (products <= 100_000) return { filtered: 25, search: 50 };
  return { filtered: 60, search: 80 };
}

const SEARCHES = [
  'trail',
  'espresso beans',
  'waterproof',
  'noise cancelling',
  'cast iron',
  'yoga mat',
  'northwind',
  'gps watch',
  'tent',
  'red',
];

/**
 * Scenario 3: database-bound reads on app B (CATALOG_CACHE=false): filtered lists, full-text
 * search, deep pages by offset and by keyset cursor. Latency is what matters here, so these run
 * with fewer connections than the throughput runs; the baseline is B's trivial /health/live at
 * the same concurrency (the framework's floor), so the ratio is the database's share.
 */
export async function uncachedReads(ctx: BenchContext): Promise<void> {
  const { options } = ctx;
  const b = ctx.b.api;
  console.log(
    `• uncached reads on app B (CATALOG_CACHE=false), ${options.latencyConnections} connections`,
  );
  const categories = (
    await expectStatus<{ items: Array<{ slug: string }> }>(
      b.get('/api/categories'),
      200,
      'categories',
    )
  ).items.map((c) => c.slug);
  const brands = (
    await expectStatus<{ items: Array<{ slug: string }> }>(b.get('/api/brands'), 200, 'brands')
  ).items.map((c) => c.slug);
  const filtered: Request[] = categories.flatMap((category, i) => [
    {
      path: `/api/products?category=${category}&minPrice=2000&maxPrice=20000&inStock=true&sort=price`,
    },
    {
      path: `/api/products?brand=${brands[i % brands.length]}&inStock=true&sort=-price&pageSize=24`,
    },
  ]);
  const search: Request[] = SEARCHES.map((q) => ({
    path: `/api/products?q=${encodeURIComponent(q)}`,
  }));
  const total = (
    await expectStatus<{ total: number }>(b.get('/api/products?pageSize=1'), 200, 'count')
  ).total;
  const lastPage = Math.max(1, Math.floor(total / 20));
  const deepPages = [0.5, 0.75, 0.9].map((f) => Math.max(1, Math.floor(lastPage * f)));
  const offset: Request[] = deepPages.map((page) => ({ path: `/api/products?page=${page}` }));
  const cursor: Request[] = [];
  for (const page of deepPages) {
    const { nextCursor } = await expectStatus<{ nextCursor: string | null }>(
      b.get(`/api/products?page=${page - 1 || 1}`),
      200,
      'cursor',
    );
    if (nextCursor) cursor.push({ path: `/api/products?cursor=${nextCursor}` });
  }

  const run = (label: string, requests: Request[]) =>
    measure(ctx, {
      label,
      url: ctx.b.url,
      requests,
      connections: options.latencyConnections,
      durationS: options.durationS,
    });
  await run('warm-up (B)', [...filtered, ...search]);
  const floor = await run('/health/live (B)', [{ path: '/health/live' }]);
  const targets = latencyTargets(options.products);
  const applies = options.mode !== 'quick';
  const scenarios = [
    {
      key: 'filtered',
      figure: 'uncached filtered list',
      requests: filtered,
      target: targets.filtered,
    },
    { key: 'search', figure: 'uncached search list', requests: search, target: targets.search },
    {
      key: 'deep_offset',
      figure: `uncached deep pages (page ${deepPages.join(', ')})`,
      requests: offset,
      target: undefined,
    },
    {
      key: 'deep_cursor',
      figure: 'uncached deep pages (keyset cursor)',
      requests: cursor,
      target: undefined,
    },
  ];
  ctx.report.data.uncached_floor = floor;
  for (const s of scenarios) {
    if (s.requests.length === 0) continue;
    const result = await run(s.figure, s.requests);
    ctx.report.data[`uncached_${s.key}`] = result;
    ctx.report.add({
      key: `uncached_${s.key}_p95`,
      figure: `${s.figure} p95 (${options.products.toLocaleString('en')} products)`,
      value: result.p95,
      unit: 'ms',
      detail: `p50 ${result.p50.toFixed(1)}, p99 ${result.p99.toFixed(1)}, ${result.rps.toFixed(0)} req/s`,
      baseline: floor.p95,
      baselineWhat: '/health/live p95',
      target: s.target === undefined ? undefined : `≤ ${s.target} ms`,
      met: s.target !== undefined && applies ? result.p95 <= s.target : undefined,
    });
  }
}
