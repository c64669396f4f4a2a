/**
 * `npm run bench [-- --quick | --large] [--only <scenario>]`: the load benchmarks of the shop API
 * (bench/README.md). This process is the load generator; the app instances and the bare baseline
 * server are its child processes, stopped — and the bench database dropped — on every way out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext } from './lib/context.js';
import { dropDatabase } from './lib/database.js';
import { type BenchOptions, parseOptions, USAGE } from './lib/options.js';
import { openFileLimit, Processes } from './lib/processes.js';
import { machineInfo, Report } from './lib/report.js';
import { cachedReads } from './scenarios/cached.js';
import { checkout } from './scenarios/checkout.js';
import { getMe } from './scenarios/get-me.js';
import { notifications } from './scenarios/notifications.js';
import { setup } from './scenarios/setup.js';
import { uncachedReads } from './scenarios/uncached.js';

/** The bench's own build (.bench/dist: src/, migrations/, bench/), made by `npm run bench`. */
const build = resolve(import.meta.dirname, '..');
const resultsDir = resolve(build, '../../bench/results');

function settingsOf(o: BenchOptions): Record<string, unknown> {
  const db = new URL(o.databaseUrl);
  db.password = '';
  return {
    mode: o.mode,
    products: o.products.toLocaleString('en'),
    connections: o.connections,
    'uncached connections': o.latencyConnections,
    'run seconds': o.durationS,
    'app/bare rounds': o.rounds,
    buyers: o.buyers,
    sockets: [...o.socketCounts, o.crossSockets].map((n) => n.toLocaleString('en')).join(' / '),
    database: db.toString(),
    redis: o.redisUrl,
  };
}

/** Each socket is a file descriptor in this process and in the app that holds it. */
function checkOpenFiles(options: BenchOptions): void {
  const needed = Math.max(...options.socketCounts, options.crossSockets) + 1_024;
  const limit = openFileLimit();
  if (limit < needed) {
    throw new Error(
      `the open-file limit (ulimit -n) is ${limit}, below the ${needed} needed for ${Math.max(...options.socketCounts, options.crossSockets)} sockets ` +
        '(one descriptor each in this process and in the app that holds them). `npm run bench` raises it to 65536 when ' +
        'the hard limit allows; otherwise raise the hard limit (limits.conf, or --ulimit nofile for containers).',
    );
  }
}

function startupAndMemory(ctx: BenchContext, sockets: { sockets: number; rssMb: number }): void {
  const { report, a, b, bare } = ctx;
  report.add({
    key: 'startup_ready_ms',
    figure: 'start-up to /health/ready (external database)',
    value: a.startupMs,
    unit: 'ms',
    detail: `B, booted beside the seed: ${b.startupMs.toFixed(0)} ms`,
    baseline: bare.startupMs,
    baselineWhat: 'bare node:http + Redis client',
    target: '≤ 1,000 ms',
    met: a.startupMs <= 1_000,
  });
  report.add({
    key: 'rss_idle_mb',
    figure: 'resident memory, idle',
    value: a.idleRssMb,
    unit: 'MB',
    detail: `B: ${b.idleRssMb.toFixed(0)} MB`,
    baseline: bare.idleRssMb,
    baselineWhat: 'bare node:http',
    target: '≤ 150 MB',
    met: a.idleRssMb <= 150,
  });
  report.add({
    key: 'rss_load_mb',
    figure: 'resident memory, peak under HTTP load',
    value: ctx.rssA.peak,
    unit: 'MB',
    baseline: a.idleRssMb,
    baselineWhat: 'idle',
  });
  report.add({
    key: 'rss_sockets_mb',
    figure: `resident memory with ${sockets.sockets.toLocaleString('en')} sockets`,
    value: sockets.rssMb,
    unit: 'MB',
    baseline: a.idleRssMb,
    baselineWhat: 'idle',
  });
}

const SCENARIOS = ['cached', 'get-me', 'uncached', 'checkout', 'notifications'] as const;
type Scenario = (typeof SCENARIOS)[number];

/**
 * `--only <scenario>` (or `--only=<scenario>`): the set-up, then that scenario alone — to compare
 * one figure across builds or settings without the whole run. Taken out of the arguments before
 * the options are parsed; its table is written apart (`only-<scenario>-<mode>-latest`).
 */
function takeOnly(argv: string[]): { argv: string[]; only: Scenario | undefined } {
  const rest = [...argv];
  const at = rest.findIndex((arg) => arg === '--only' || arg.startsWith('--only='));
  if (at < 0) return { argv, only: undefined };
  const [flag = ''] = rest.splice(at, 1);
  const value = flag === '--only' ? rest.splice(at, 1)[0] : flag.slice('--only='.length);
  const only = SCENARIOS.find((name) => name === value);
  if (!only) throw new Error(`--only takes one of ${SCENARIOS.join(', ')}`);
  return { argv: rest, only };
}

/** The catalog entries the run cached (generation counters stay: they only ever grow). */
async function forgetCachedEntries(redis: BenchContext['redis']): Promise<void> {
  try {
    for await (const keys of redis.scanIterator({ MATCH: 'shop::catalog:*', COUNT: 1000 }))
      if ([keys].flat().length > 0) await redis.unlink([keys].flat());
  } catch {
    // Redis is gone: the entries expire by themselves
  }
  await redis.close().catch(() => undefined);
}

async function main(): Promise<void> {
  let options: BenchOptions;
  let only: Scenario | undefined;
  try {
    const taken = takeOnly(process.argv.slice(2));
    only = taken.only;
    options = parseOptions(taken.argv, process.env);
  } catch (error) {
    console.error(
      `${(error as Error).message}\n${USAGE}\n  --only S   the set-up, then scenario S alone (${SCENARIOS.join(', ')})`,
    );
    process.exit(2);
  }
  const report = new Report(machineInfo(), settingsOf(options));
  const processes = new Processes(mkdtempSync(join(os.tmpdir(), 'shop-bench-')));
  const errors: string[] = [];
  let ctx: BenchContext | undefined;
  let finishing: Promise<never> | undefined;

  const finish = (): Promise<never> =>
    (finishing ??= (async () => {
      clearTimeout(budget);
      report.freeze();
      setTimeout(() => process.exit(1), 60_000).unref(); // a clean-up step that hangs
      await processes.stopAll().catch((e: Error) => errors.push(`stopping children: ${e.message}`));
      await ctx?.db.end().catch(() => undefined);
      if (ctx) await forgetCachedEntries(ctx.redis);
      if (!options.keepDatabase)
        await dropDatabase(options.databaseUrl).catch((e: Error) =>
          errors.push(`dropping the database: ${e.message}`),
        );
      report.summarizeLoadRuns();
      report.machine.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
      const title = `Shop API benchmark (${options.mode}${only ? `, ${only} only` : ''})`;
      // The committed tables: `latest` (100,000 products) and `large-latest` (1,000,000); any
      // other size is written beside them, never over them.
      const sized = { 100_000: 'latest', 1_000_000: 'large-latest' }[options.products];
      let name =
        options.mode === 'quick'
          ? 'quick-latest'
          : (sized ?? `products-${options.products}-latest`);
      if (only) name = `only-${only}-${options.mode}-latest`; // never the committed full table
      console.log(`\n${report.write(resultsDir, name, title, errors)}`);
      const failed = report.failed.length + errors.length;
      if (failed === 0) rmSync(processes.logDir, { recursive: true, force: true });
      console.log(
        failed === 0
          ? 'bench: every scenario ran, no request failed'
          : `bench: FAILED (${failed} problems; logs in ${processes.logDir})`,
      );
      process.exit(failed === 0 ? 0 : 1);
    })());

  const budget = setTimeout(() => {
    errors.push(`time budget of ${options.budgetS} s exceeded`);
    void finish();
  }, options.budgetS * 1000);
  process.once('exit', () => processes.killAllSync());
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      // While finishing, the database is dropped under clients still running: expected.
      if (finishing) return;
      errors.push(`${event}: ${(error as Error)?.stack ?? String(error)}`);
      void finish();
    });
  }
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      errors.push(`interrupted (${signal})`);
      void finish();
    });
  }

  try {
    checkOpenFiles(options);
    console.log(`bench (${options.mode}): logs of the child processes in ${processes.logDir}`);
    const started = performance.now();
    const timed = async <T>(run: () => Promise<T>): Promise<T> => {
      const result = await run();
      console.log(`    (${((performance.now() - started) / 1000).toFixed(0)} s)`);
      return result;
    };
    const bench = await timed(() => setup({ build, options, processes, report }));
    ctx = bench;
    const runs = (scenario: Scenario): boolean => only === undefined || only === scenario;
    if (runs('cached')) await timed(() => cachedReads(bench));
    if (runs('get-me')) await timed(() => getMe(bench));
    if (runs('uncached')) await timed(() => uncachedReads(bench));
    if (runs('checkout')) await timed(() => checkout(bench));
    if (runs('notifications')) {
      const sockets = await timed(() => notifications(bench));
      startupAndMemory(bench, sockets);
    }
  } catch (error) {
    // Once finishing (time budget, signal), the scenario in flight fails as its servers go.
    if (!finishing) {
      errors.push((error as Error).stack ?? String(error));
      console.error(`bench: ${(error as Error).message}`);
    }
  }
  await finish();
}

void main();
