import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BenchContext, measure, type RedisClient } from '../lib/context.js';
import { request } from '../lib/http.js';
import { alternate, type LoadResult } from '../lib/load.js';
import { median } from '../lib/stats.js';

/**
 * Scenarios 1 and 2: cached product list and detail on app A, alternated with the same bytes
 * from the bare node:http server reading the very Keyv key the app filled — the ceiling.
 */
export async function cachedReads(ctx: BenchContext): Promise<void> {
  console.log('• cached reads: app vs the bare node:http ceiling on the same Redis key');
  const targets = [
    { kind: 'list', figure: 'cached product list', path: '/api/products' },
    {
      kind: 'detail',
      figure: 'cached product detail',
      path: `/api/products/${ctx.products.detail.slug}`,
    },
  ];
  for (const target of targets) {
    const barePath = await prepare(ctx, target.kind, target.path);
    if (!barePath) continue;
    const before = await cacheLookups(ctx, target.kind);
    const cpu = { app: [] as number[], bare: [] as number[] };
    const run =
      (url: string, label: 'app' | 'bare', pid: number) =>
      async (durationS?: number): Promise<LoadResult> => {
        const cpuBefore = cpuMs(pid);
        const result = await measure(ctx, {
          label: `${target.figure} (${label})`,
          url,
          connections: ctx.options.connections,
          durationS: durationS ?? ctx.options.durationS,
        });
        // Measured runs only (a warm-up passes its duration).
        if (durationS === undefined)
          cpu[label].push(((cpuMs(pid) - cpuBefore) * 1000) / result.requests);
        return result;
      };
    const runs = await alternate(
      ctx.options.rounds,
      ctx.options.warmupS,
      run(`${ctx.a.url}${target.path}`, 'app', ctx.a.child.pid),
      run(`${ctx.bare.url}${barePath}`, 'bare', ctx.bare.child.pid),
    );
    const after = await cacheLookups(ctx, target.kind);
    const missed = after.miss + after.bypass - before.miss - before.bypass;
    // A warning only: on an overloaded machine a Redis call can pass the cache's 300 ms timeout.
    ctx.report.warnUnless(
      `${target.figure}: every app request was a cache hit`,
      missed === 0 && after.hit > before.hit,
      `${after.hit - before.hit} hits, ${missed} misses or bypasses`,
    );
    ctx.report.data[`cached_${target.kind}`] = runs;
    const rps = {
      app: median(runs.app.map((r) => r.rps)),
      bare: median(runs.bare.map((r) => r.rps)),
    };
    const p99 = {
      app: median(runs.app.map((r) => r.p99)),
      bare: median(runs.bare.map((r) => r.p99)),
    };
    ctx.report.add({
      key: `cached_${target.kind}_rps`,
      figure: `${target.figure}, ${ctx.options.connections} connections (median of ${runs.app.length})`,
      value: rps.app,
      unit: 'req/s',
      baseline: rps.bare,
      baselineWhat: 'bare node:http + Redis GET',
      target: '≥ 0.5× baseline',
      met: rps.app >= 0.5 * rps.bare,
    });
    // CPU time per answer moves far less with the machine's other load than req/s does.
    ctx.report.add({
      key: `cached_${target.kind}_cpu_us`,
      figure: `${target.figure}, CPU time per request (median of ${cpu.app.length})`,
      value: median(cpu.app),
      unit: 'µs',
      baseline: median(cpu.bare),
      baselineWhat: 'bare',
    });
    ctx.report.add({
      key: `cached_${target.kind}_p99`,
      figure: `${target.figure} p99`,
      value: p99.app,
      unit: 'ms',
      detail: `p50 ${median(runs.app.map((r) => r.p50)).toFixed(1)}`,
      baseline: p99.bare,
      baselineWhat: 'bare',
      target: '≤ 20 ms',
      met: p99.app <= 20,
    });
  }
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

/** The key whose Keyv envelope `{"value": …, "expires": …}` holds exactly `body`. */
async function findKey(
  redis: RedisClient,
  kind: string,
  body: string,
): Promise<string | undefined> {
  for await (const batch of redis.scanIterator({ MATCH: `*catalog:*:${kind}:*`, COUNT: 1000 })) {
    for (const key of [batch].flat()) {
      const raw = await redis.get(key);
      if (raw !== null && (JSON.parse(raw) as { value?: unknown }).value === body) return key;
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
