/**
 * `npm run soak [-- --minutes N]`: a bounded soak of the shop API (bench/soak/README.md). Local
 * only, not in CI. The app runs as a child process in production mode against a fresh `shop_soak`
 * database and Redis; this process drives a mixed workload (browsing, carts, checkouts, staff
 * status changes single and bulk, sockets connecting, receiving and leaving) for the given time,
 * samples the app's RSS, and then checks that memory stayed flat, that no request failed
 * unexpectedly, and that stock, orders and notifications agree. Exit 0 when every check passed,
 * 1 otherwise, 2 on a usage error.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { dropDatabase, openPool } from '../lib/database.js';
import { type Child, logTail, Processes, rssMb } from '../lib/processes.js';
import { machineInfo, Report } from '../lib/report.js';
import { checkDeliveries, checkNotifications, checkOrders, checkStock } from './checks.js';

import { type MemorySample, MemorySampler, memoryChecks, thin } from './memory.js';
import { parseOptions, type SoakOptions, USAGE } from './options.js';
import { type Setup, setup } from './setup.js';
import { SocketChurn } from './sockets.js';
import { Traffic } from './traffic.js';
import { browse, buy, customerSocket, strangerSocket, work, type World } from './workload.js';

/** The bench's own build (.bench/dist: src/, migrations/, bench/), made by `npm run soak`. */
const build = resolve(import.meta.dirname, '../..');
const resultFile = resolve(build, '../../bench/results/soak-latest.md');

async function soak(
  options: SoakOptions,
  s: Setup,
  report: Report,
  jwtSecret: string,
): Promise<World> {
  let running = true;
  const world: World = {
    traffic: new Traffic(s.api.baseUrl),
    churn: new SocketChurn(`${s.api.baseUrl}/notifications`),
    running: () => running,
    jwtSecret,
    catalog: s.catalog,
    owners: new Map(),
    replays: { count: 0, mismatched: 0 },
    changes: [],
    bulkItems: { updated: 0, race: 0, unexpected: [] },
  };
  // Staff sockets stay for the whole run: they must receive every change.
  for (const staff of s.staff) {
    if (!(await world.churn.connect(staff.token, staff.userId)))
      throw new Error('a staff socket could not connect');
  }
  const sampler = new MemorySampler(s.pid);
  sampler.start();
  const started = performance.now();
  const durationMs = options.minutes * 60_000;
  const progress = setInterval(() => {
    const t = world.traffic.totals();
    console.log(
      `    ${((performance.now() - started) / 60_000).toFixed(1)} min: ${t.requests.toLocaleString('en')} requests (${t.unexpected} unexpected), ${world.owners.size} orders, ${world.changes.length} status changes, ${world.churn.openCount} sockets open, RSS ${rssMb(s.pid).toFixed(0)} MB`,
    );
  }, 30_000);
  const stop = setTimeout(() => (running = false), durationMs);
  // The app must live through the soak: if it exits, stop at once and say how.
  let appExit: string | undefined;
  void s.app.exited.then((status) => {
    if (!running) return;
    appExit = `the app exited (${String(status)}) during the workload:\n${logTail(s.app.logFile, 15)}`;
    running = false;
  });
  const actors = [
    ...Array.from({ length: options.browsers }, () => browse(world)),
    ...s.buyers.map((b) => buy(world, b)),
    ...s.buyers.map((b) => customerSocket(world, b)),
    ...s.staff.map((st) => work(world, st)),
    ...Array.from({ length: options.backgroundSockets }, () => strangerSocket(world)),
  ];
  const everyone = Promise.allSettled(actors);
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (running) return;
      clearInterval(poll);
      resolve();
    }, 250);
  });
  // An actor stuck in a request or handshake past its own timeouts is a failure, not a hang.
  const settled = await Promise.race([everyone, sleep(30_000).then(() => undefined)]);
  if (!settled) world.traffic.fail('actors', 'some actors were still busy 30 s after the end');
  if (appExit) throw new Error(appExit);
  clearTimeout(stop);
  clearInterval(progress);
  sampler.stop();
  for (const result of settled ?? [])
    if (result.status === 'rejected')
      world.traffic.fail('actor', (result.reason as Error)?.stack ?? String(result.reason));
  await sleep(1_500); // the last pushes in flight
  world.churn.closeAll();

  const seconds = (performance.now() - started) / 1000;
  const totals = world.traffic.totals();
  report.add({
    key: 'duration',
    figure: 'workload duration',
    value: seconds / 60,
    unit: 'min',
    digits: 1,
  });
  report.add({
    key: 'requests',
    figure: 'HTTP requests',
    value: totals.requests,
    unit: '',
    detail: `${(totals.requests / seconds).toFixed(0)} req/s; ${totals.stock} stock 409s, ${totals.race} race refusals`,
  });
  report.add({ key: 'orders', figure: 'orders placed', value: world.owners.size, unit: '' });
  report.add({
    key: 'changes',
    figure: 'status changes accepted',
    value: world.changes.length,
    unit: '',
    detail: `${world.bulkItems.updated} of them in bulk requests`,
  });
  report.add({
    key: 'sockets',
    figure: 'socket connections opened and closed',
    value: world.churn.connects,
    unit: '',
  });

  memoryChecks(report, options, {
    rss: sampler.samples,
    appLog: s.app.logFile,
    offsetMs: started - s.app.spawnedAt,
    seconds,
    idleRssMb: s.idleRssMb,
  });
  report.check(
    `no unexpected request failure (${totals.requests.toLocaleString('en')} requests: ${totals.ok.toLocaleString('en')} ok, ${totals.stock} expected stock 409s, ${totals.race} expected race refusals)`,
    totals.unexpected === 0,
    world.traffic.unexpected.slice(0, 5).join(' | '),
  );
  report.check(
    `bulk status changes: every order either moved or refused for a race (${world.bulkItems.updated} moved, ${world.bulkItems.race} refused)`,
    world.bulkItems.unexpected.length === 0,
    world.bulkItems.unexpected.slice(0, 3).join('; '),
  );
  report.check('checkouts happened', world.owners.size > 0 && world.changes.length > 0, '');
  return world;
}

function markdown(report: Report, world: World | undefined, errors: string[]): string {
  const lines = [report.markdown('Shop API soak', errors).trimEnd()];
  if (world) {
    lines.push('', '## Requests', '', ...world.traffic.table());
    if (world.traffic.unexpected.length) {
      lines.push('', '## Unexpected answers (first 20)', '');
      for (const u of world.traffic.unexpected) lines.push(`- \`${u.replaceAll('`', "'")}\``);
    }
  }
  const samples = report.data.rss as MemorySample[] | undefined;
  if (samples?.length) {
    lines.push('', '## RSS over time', '', '| t (s) | RSS (MB) |', '| --- | --- |');
    for (const p of thin(samples, 25)) lines.push(`| ${p.t.toFixed(0)} | ${p.mb.toFixed(1)} |`);
  }
  const gcs = report.data.majorGcs as MemorySample[] | undefined;
  if (gcs?.length) {
    lines.push('', '## Live heap after full GCs', '', '| t (s) | heap (MB) |', '| --- | --- |');
    for (const p of thin(gcs, 25)) lines.push(`| ${p.t.toFixed(0)} | ${p.mb.toFixed(1)} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  let parsed: SoakOptions | 'help';
  try {
    parsed = parseOptions(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === 'help') {
    console.log(USAGE);
    process.exit(0);
  }
  const options = parsed;
  const db = new URL(options.databaseUrl);
  db.password = '';
  const report = new Report(machineInfo(), {
    minutes: options.minutes,
    products: options.products,
    browsers: options.browsers,
    buyers: options.buyers,
    staff: options.staff,
    'background sockets': options.backgroundSockets,
    database: db.toString(),
    redis: options.redisUrl,
  });
  const processes = new Processes(mkdtempSync(join(os.tmpdir(), 'shop-soak-')));
  const jwtSecret = randomBytes(48).toString('base64url');
  const pool = openPool(options.databaseUrl, 4);
  const redis = createClient({ url: options.redisUrl });
  redis.on('error', () => undefined);
  const errors: string[] = [];
  let world: World | undefined;
  const started: { app?: Child } = {};
  let finishing: Promise<never> | undefined;

  const finish = (): Promise<never> =>
    (finishing ??= (async () => {
      clearTimeout(budget);
      setTimeout(() => process.exit(1), 60_000).unref(); // a clean-up step that hangs
      world?.churn.closeAll();
      await processes.stopAll().catch((e: Error) => errors.push(`stopping the app: ${e.message}`));
      const { app } = started;
      if (app && world)
        report.check(
          'the app shut down cleanly on SIGTERM (exit 0)',
          app.exitStatus === 0,
          app.exitStatus === 0 ? '' : `exit ${String(app.exitStatus)}: ${logTail(app.logFile, 10)}`,
        );
      report.freeze();
      await pool.end().catch(() => undefined);
      try {
        for await (const keys of redis.scanIterator({ MATCH: 'shop::catalog:*', COUNT: 1000 }))
          if ([keys].flat().length > 0) await redis.unlink([keys].flat());
      } catch {
        // Redis is gone: the entries expire by themselves
      }
      await redis.close().catch(() => undefined);
      if (!options.keepDatabase)
        await dropDatabase(options.databaseUrl, 'soak').catch((e: Error) =>
          errors.push(`dropping the database: ${e.message}`),
        );
      report.machine.loadAverageAtEnd = os.loadavg().map((l) => Number(l.toFixed(2)));
      const md = markdown(report, world, errors);
      mkdirSync(resolve(resultFile, '..'), { recursive: true });
      writeFileSync(resultFile, md);
      console.log(`\n${md}`);
      const failed = report.failed.length + errors.length;
      if (failed === 0) rmSync(processes.logDir, { recursive: true, force: true });
      console.log(
        failed === 0
          ? `soak: passed (${resultFile})`
          : `soak: FAILED (${failed} problems; logs in ${processes.logDir}; ${resultFile})`,
      );
      process.exit(failed === 0 ? 0 : 1);
    })());

  // Bounded: set-up, the workload and the checks must end within this, or the run fails.
  const budget = setTimeout(
    () => {
      errors.push('time budget exceeded');
      void finish();
    },
    options.minutes * 60_000 + 900_000,
  );
  process.once('exit', () => processes.killAllSync());
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      if (finishing) return;
      errors.push(`${event}: ${(error as Error)?.stack ?? String(error)}`);
      void finish();
    });
  }
  // `on`, not `once`: a second Ctrl-C (or the launcher passing it on) must not cut the clean-up.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (finishing) return;
      errors.push(`interrupted (${signal})`);
      void finish();
    });
  }

  try {
    console.log(`soak: ${options.minutes} min; logs of the child processes in ${processes.logDir}`);
    await redis.connect();
    report.machine.redis = /redis_version:(\S+)/.exec(await redis.info('server'))?.[1];
    const s = await setup(build, options, processes, report, jwtSecret, pool, started);
    console.log(
      `• workload: ${options.browsers} browsers, ${options.buyers} buyers, ${options.staff} staff, ${options.backgroundSockets} background sockets`,
    );
    world = await soak(options, s, report, jwtSecret);
    console.log('• checks');
    await checkStock(pool, report, s.initialStock);
    await checkOrders(pool, report, world);
    const stored = await checkNotifications(pool, report, world);
    const { expected } = checkDeliveries(
      report,
      world,
      stored,
      new Set(s.staff.map((st) => st.userId)),
    );
    report.add({
      key: 'deliveries',
      figure: 'socket deliveries checked',
      value: expected,
      unit: '',
    });
  } catch (error) {
    if (!finishing) {
      errors.push((error as Error).stack ?? String(error));
      console.error(`soak: ${(error as Error).message}`);
    }
  }
  await finish();
}

void main();
