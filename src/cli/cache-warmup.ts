import type { RedisClient } from '@/redis/redis.module.js';
import { parseCliArgs, runMain, UsageError } from './cli-args.js';

const USAGE = [
  'usage: npm run cache:warmup -- [--pages N] [--details N]            (from a build)',
  '       npx nest start cache-warmup -- [--pages N] [--details N]     (from source)',
].join('\n');

/** A progress line every this many requests: a few lines for a default run, readable in CI logs. */
const PROGRESS_EVERY = 100;

const HELP = `Fills the catalog cache (Redis at REDIS_URL, shared by every instance) with the keys clients hit
first, by sending the real requests in-process, so a deploy can take traffic warm. Progress goes
to stderr (a line every ${PROGRESS_EVERY} requests), a table per target and a summary line to stdout.

  --pages N     pages of the main product list (1 to 100; default 3)
  --details N   most recent product details (0 to 10000; default 100)
  -h, --help    show this help

Exit: 0 done, 1 failure (database or Redis unreachable), 2 usage error.`;

const seconds = (since: number): string => ((performance.now() - since) / 1000).toFixed(1);

/** `npm run cache:warmup` / `npx nest start cache-warmup`: warms the catalog cache, prints a table. */
runMain(
  { usage: USAGE, help: HELP },
  async () => {
    const values = parseCliArgs({
      pages: { type: 'string', default: '3' },
      details: { type: 'string', default: '100' },
    });
    const pages = Number(values.pages);
    const details = Number(values.details);
    if (
      !Number.isInteger(pages) ||
      pages < 1 ||
      pages > 100 ||
      !Number.isInteger(details) ||
      details < 0 ||
      details > 10_000
    )
      throw new UsageError('--pages must be 1–100 and --details 0–10000');
    // Imported after the arguments: `--help` and usage errors need no application.
    const { asCliConfig, assertDatabaseReachable } = await import('./cli-app.js');
    const [
      { createApp },
      { warmCatalogCache },
      { loadConfig },
      { loadEnvFile },
      { resolveDatabase },
      { REDIS_CLIENT },
    ] = await Promise.all([
      import('../app.factory.js'),
      import('../catalog/index.js'),
      import('../config/app-config.js'),
      import('../config/load-env-file.js'),
      import('../database/database.runtime.js'),
      import('../redis/redis.module.js'),
    ]);
    loadEnvFile();
    const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
    const database = await resolveDatabase(config, () => undefined);
    let app: Awaited<ReturnType<typeof createApp>>;
    try {
      await assertDatabaseReachable(database.url);
      app = await createApp(asCliConfig(config, database.url));
    } catch (error) {
      await database.stop();
      throw error;
    }
    try {
      let started = performance.now();
      let answered = 0;
      // Counted as the warm-up's requests are answered (a hook must be added before init).
      app
        .getHttpAdapter()
        .getInstance()
        .addHook('onResponse', (_request, _reply, done) => {
          answered += 1;
          if (answered % PROGRESS_EVERY === 0)
            process.stderr.write(`cache warmup: ${answered} requests (${seconds(started)} s)\n`);
          done();
        });
      await app.init();
      const redis = app.get<RedisClient | null>(REDIS_CLIENT);
      if (redis) {
        await Promise.race([
          redis.ping(),
          new Promise((_, reject) =>
            setTimeout(() => reject(new Error('timed out')), 3_000).unref(),
          ),
        ]).catch((error: unknown) => {
          throw new Error(
            `Redis at REDIS_URL cannot be reached (${(error as Error).message}): nothing to warm`,
          );
        });
      }
      started = performance.now();
      const rows = await warmCatalogCache(app, { pages, details });
      console.table(
        rows.map((r) => ({
          target: r.target,
          requests: r.requests,
          filled: r.filled,
          'already warm': r.alreadyWarm,
          ms: r.ms,
        })),
      );
      const sum = (field: 'requests' | 'filled' | 'alreadyWarm') =>
        rows.reduce((total, r) => total + r[field], 0);
      console.log(
        `warmed ${sum('requests')} keys in ${seconds(started)} s: ${sum('filled')} filled, ` +
          `${sum('alreadyWarm')} already warm ` +
          `(${redis ? 'Redis' : 'in-memory: this process only, so only useful as a check'})`,
      );
    } finally {
      await app.close();
      await database.stop();
    }
  },
  'cache warmup failed',
);
