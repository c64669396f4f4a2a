import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchContext, measure, type RedisClient } from '../lib/context.js';
import { request } from '../lib/http.js';
import { alternate, alternateSides, type LoadResult } from '../lib/load.js';
import { median } from '../lib/stats.js';

/** The cached reads measured: a small answer, a small page and the default page. */
const TARGETS = [
  {
    key: 'cached_detail',
    kind: 'detail',
    figure: 'cached product detail (1 KB)',
    path: (slug: string) => `/api/products/${slug}`,
  },
  {
    key: 'cached_list_small',
    kind: 'list',
    figure: 'cached product list, 5 items',
    path: () => '/api/products?pageSize=5',
  },
  {
    key: 'cached_list',
    kind: 'list',
    figure: 'cached product list, default page (20 items)',
    path: () => '/api/products',
  },
] as const;

type Side = 'app' | 'signedIn' | 'bare';

/**
 * Scenarios 1 and 2: cached product detail and lists on app A — anonymous, and signed in as a
 * customer (an SPA sends its bearer on every call) — alternated with the same bytes from the
 * bare node:http server reading the very Keyv key the app filled: the ceiling. Then the detail's
 * revalidation: `If-None-Match` with its ETag (304, no body) beside the cached 200.
 */
export async function cachedReads(ctx: BenchContext): Promise<void> {
  console.log(
    '• cached reads: app (anonymous, signed in) vs the bare node:http ceiling on the same Redis key',
  );
  const bearer = { authorization: `Bearer ${ctx.buyers[0].token}` };
  for (const target of TARGETS) {
    const path = target.path(ctx.products.detail.slug);
    const barePath = await prepare(ctx, target.kind, path);
    if (!barePath) continue;
    const { key } = target;
    const before = await cacheLookups(ctx, target.kind);
    const cpu: Record<Side, number[]> = { app: [], signedIn: [], bare: [] };
    const run =
      (side: Side, url: string, pid: number, headers?: Record<string, string>) =>
      async (durationS?: number): Promise<LoadResult> => {
        const cpuBefore = cpuMs(pid);
        const result = await measure(ctx, {
          label: `${target.figure} (${side === 'signedIn' ? 'signed in' : side})`,
          url,
          connections: ctx.options.connections,
          durationS: durationS ?? ctx.options.durationS,
          headers,
        });
        // Measured runs only (a warm-up passes its duration).
        if (durationS === undefined)
          cpu[side].push(((cpuMs(pid) - cpuBefore) * 1000) / result.requests);
        return result;
      };
    const runs = await alternateSides(ctx.options.rounds, ctx.options.warmupS, {
      app: run('app', `${ctx.a.url}${path}`, ctx.a.child.pid),
      signedIn: run('signedIn', `${ctx.a.url}${path}`, ctx.a.child.pid, bearer),
      bare: run('bare', `${ctx.bare.url}${barePath}`, ctx.bare.child.pid),
    });
    const after = await cacheLookups(ctx, target.kind);
    const missed = after.miss + after.bypass - before.miss - before.bypass;
    // A warning only: on an overloaded machine a Redis call can pass the cache's 300 ms timeout.
    ctx.report.warnUnless(
      `${target.figure}: every app request was a cache hit`,
      missed === 0 && after.hit > before.hit,
      `${after.hit - before.hit} hits, ${missed} misses or bypasses`,
    );
    ctx.report.data[key] = runs;
    const med = (side: Side, field: 'rps' | 'p99' | 'p50'): number =>
      median(runs[side].map((r) => r[field]));
    const rounds = `median of ${runs.app.length}`;
    ctx.report.add({
      key: `${key}_rps`,
      figure: `${target.figure}, ${ctx.options.connections} connections (${rounds})`,
      value: med('app', 'rps'),
      unit: 'req/s',
      baseline: med('bare', 'rps'),
      baselineWhat: 'bare node:http + Redis GET',
      target: '≥ 0.5× baseline',
      met: med('app', 'rps') >= 0.5 * med('bare', 'rps'),
    });
    ctx.report.add({
      key: `${key}_signed_in_rps`,
      figure: `${target.figure}, signed in as a customer (${rounds})`,
      value: med('signedIn', 'rps'),
      unit: 'req/s',
      baseline: med('bare', 'rps'),
      baselineWhat: 'bare node:http + Redis GET',
      target: '≥ 0.4× baseline',
      met: med('signedIn', 'rps') >= 0.4 * med('bare', 'rps'),
    });
    // CPU time per answer moves far less with the machine's other load than req/s does.
    ctx.report.add({
      key: `${key}_cpu_us`,
      figure: `${target.figure}, CPU time per request (${rounds}; signed in ${median(cpu.signedIn).toFixed(0)} µs)`,
      value: median(cpu.app),
      unit: 'µs',
      baseline: median(cpu.bare),
      baselineWhat: 'bare',
    });
    ctx.report.add({
      key: `${key}_p99`,
      figure: `${target.figure} p99`,
      value: med('app', 'p99'),
      unit: 'ms',
      detail: `p50 ${med('app', 'p50').toFixed(1)}; signed in p99 ${med('signedIn', 'p99').toFixed(1)}`,
      baseline: med('bare', 'p99'),
      baselineWhat: 'bare',
      target: '≤ 20 ms',
      met: med('app', 'p99') <= 20,
    });
    if (key === 'cached_detail') await revalidation(ctx, path, target.figure);
  }
}

/**
 * A browser or CDN revalidating a cached product: `If-None-Match` with the detail's ETag, a 304
 * from the fast path (no body), alternated with the plain cached 200 of the same URL.
 */
async function revalidation(ctx: BenchContext, path: string, figure: string): Promise<void> {
  const first = await ctx.a.api.get(path);
  const etag = first.headers.etag;
  const probe =
    typeof etag === 'string'
      ? await request(ctx.a.url, 'GET', path, { headers: { 'if-none-match': etag } })
      : undefined;
  ctx.report.check(
    `${path}: If-None-Match with its ETag answers 304 without a body`,
    probe?.status === 304 && probe.body === '' && probe.headers.etag === etag,
    `ETag ${String(etag)}, answer ${String(probe?.status)}`,
  );
  if (typeof etag !== 'string' || probe?.status !== 304) return;
  const run =
    (label: string, headers: Record<string, string>, expectStatus: number) =>
    (durationS?: number): Promise<LoadResult> =>
      measure(ctx, {
        label: `${figure} (${label})`,
        url: `${ctx.a.url}${path}`,
        connections: ctx.options.connections,
        durationS: durationS ?? ctx.options.durationS,
        headers,
        expectStatus,
      });
  // `alternate` names its sides app and bare: here the 304 and the 200, both on app A.
  const runs = await alternate(
    ctx.options.rounds,
    ctx.options.warmupS,
    run('304', { 'if-none-match': etag }, 304),
    run('200', {}, 200),
  );
  ctx.report.data.cached_detail_304 = runs;
  const rps = {
    revalidated: median(runs.app.map((r) => r.rps)),
    full: median(runs.bare.map((r) => r.rps)),
  };
  ctx.report.add({
    key: 'cached_detail_304_rps',
    figure: `${figure} revalidated (If-None-Match → 304), ${ctx.options.connections} connections (median of ${runs.app.length})`,
    value: rps.revalidated,
    unit: 'req/s',
    detail: `p99 ${median(runs.app.map((r) => r.p99)).toFixed(1)} ms (200: ${median(runs.bare.map((r) => r.p99)).toFixed(1)} ms)`,
    baseline: rps.full,
    baselineWhat: 'the cached 200 of the same URL',
    // No slower than the 200 (5 % for the noise of a shared machine): it sends no body.
    target: '≥ 0.95× baseline',
    met: rps.full > 0 && rps.revalidated >= rps.full * 0.95,
  });
}

/** Clock ticks a second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux build in use). */
const CLOCK_TICKS = 100;

/** CPU time (user + system) a process has used so far, in ms; NaN once it is gone. */
function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesized command name; utime and stime are the 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}

/**
 * Fills the app's cache for `path` (a MISS, then a HIT), finds the Keyv key it wrote by its
 * content, and checks that the bare server sends the very same bytes. Returns the bare path.
 */
async function prepare(ctx: BenchContext, kind: string, path: string): Promise<string | undefined> {
  // A miss fills the key; then a hit. Under heavy load a Redis call may pass the cache's timeout
  // and the instance bypasses the cache for a moment: ask again, for a while.
  let hit = await ctx.a.api.get(path);
  for (let attempt = 0; attempt < 40 && hit.headers['x-cache'] !== 'HIT'; attempt += 1) {
    await sleep(250);
    hit = await ctx.a.api.get(path);
  }
  if (hit.status !== 200 || hit.headers['x-cache'] !== 'HIT') {
    ctx.report.check(
      `${path}: second read is a cache hit`,
      false,
      `${hit.status} ${String(hit.headers['x-cache'])}`,
    );
    return undefined;
  }
  const key = await findKey(ctx.redis, kind, hit.body);
  if (!key) {
    ctx.report.check(`${path}: the Keyv key holding the body is found in Redis`, false);
    return undefined;
  }
  const barePath = `/raw/${encodeURIComponent(key)}`;
  const bare = await request(ctx.bare.url, 'GET', barePath);
  ctx.report.check(
    `${path}: the bare server sends the app's bytes (key ${key})`,
    bare.status === 200 && bare.body === hit.body,
    `${hit.body.length} bytes`,
  );
  return barePath;
}

/** The key whose Keyv envelope `{"value": {"body", "etag"}, "expires": …}` holds exactly `body`. */
async function findKey(
  redis: RedisClient,
  kind: string,
  body: string,
): Promise<string | undefined> {
  for await (const batch of redis.scanIterator({ MATCH: `*catalog:*:${kind}:*`, COUNT: 1000 })) {
    for (const key of [batch].flat()) {
      const raw = await redis.get(key);
      if (raw !== null && (JSON.parse(raw) as { value?: { body?: unknown } }).value?.body === body)
        return key;
    }
  }
  return undefined;
}

async function cacheLookups(
  ctx: BenchContext,
  kind: string,
): Promise<{ hit: number; miss: number; bypass: number }> {
  const [hit, miss, bypass] = await Promise.all(
    ['hit', 'miss', 'bypass'].map((result) => ctx.a.api.cacheCounter(kind, result)),
  );
  return { hit, miss, bypass };
}
