import type pg from 'pg';
import type { createClient } from 'redis';
import type { Api, ProductRef, Session } from './http.js';
import { type LoadResult, type LoadSpec, loadProblems, runLoad } from './load.js';
import type { BenchOptions } from './options.js';
import { type Child, type Processes, RssSampler } from './processes.js';
import type { Report } from './report.js';

export type RedisClient = ReturnType<typeof createClient>;

/** A running server the bench talks to: the app (A, B) or the bare node:http server. */
export interface Server {
  name: string;
  child: Child;
  url: string;
  /** Spawn to the first 200 of its readiness URL. */
  startupMs: number;
  idleRssMb: number;
}

export interface AppServer extends Server {
  api: Api;
}

/** What every scenario gets: the servers, the accounts and products set up for them, the report. */
export interface BenchContext {
  options: BenchOptions;
  processes: Processes;
  report: Report;
  /** App A: production mode, catalog cache on. Load phases on it are sampled for RSS. */
  a: AppServer;
  /** App B: CATALOG_CACHE=false; the uncached reads, and the second instance for Socket.IO. */
  b: AppServer;
  bare: Server;
  rssA: RssSampler;
  db: pg.Pool;
  redis: RedisClient;
  jwtSecret: string;
  admin: Session;
  buyers: Session[];
  /** One per buyer (distinct-products checkout), plus the hot product and a product to read. */
  products: { distinct: ProductRef[]; hot: ProductRef; detail: ProductRef };
  /** Initial stock set on the checkout products. */
  stock: { distinct: number; hot: number };
  /**
   * Starts another app like A (same database, Redis, secret and settings), these variables
   * changed; the caller stops it (`processes.stop`) when done with it.
   */
  startApp: (name: string, extra: Record<string, string>) => Promise<AppServer>;
}

/**
 * Runs one autocannon load and records a check that it had no error and no non-2xx answer
 * (the CI gate of `--quick`). Load on app A is sampled for A's peak RSS.
 */
export async function measure(ctx: BenchContext, spec: LoadSpec): Promise<LoadResult> {
  const onA = spec.url.startsWith(ctx.a.url);
  const result = onA ? await ctx.rssA.during(() => runLoad(spec)) : await runLoad(spec);
  ctx.report.loadRun(spec.label, loadProblems(result));
  console.log(
    `    ${spec.label.padEnd(44)} ${result.rps.toFixed(0).padStart(7)} req/s  p50 ${result.p50.toFixed(1)}  p95 ${result.p95.toFixed(1)}  p99 ${result.p99.toFixed(1)} ms`,
  );
  return result;
}

export { RssSampler };
