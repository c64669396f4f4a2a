import 'reflect-metadata';
import { createApp } from '@/app.factory.js';
import { warmCatalogCache } from '@/catalog/cache-warmup.js';
import { ConfigError, loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { resolveDatabase } from '@/database/database.runtime.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';
import { assertDatabaseReachable, parseCliArgs } from './cli-context.js';

const USAGE = 'usage: nest start cache-warmup | npm run cache:warmup [-- --pages N --details N]';

/** `nest start cache-warmup` / `npm run cache:warmup`: warms the catalog cache, prints a table. */
async function main(): Promise<void> {
  let values: { pages: string; details: string };
  try {
    values = parseCliArgs({
      pages: { type: 'string', default: '3' },
      details: { type: 'string', default: '100' },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const pages = Number(values.pages);
  const details = Number(values.details);
  if (
    !Number.isInteger(pages) ||
    pages < 1 ||
    pages > 100 ||
    !Number.isInteger(details) ||
    details < 0 ||
    details > 10_000
  ) {
    console.error(`--pages must be 1–100 and --details 0–10000\n${USAGE}`);
    process.exit(2);
  }
  loadEnvFile();
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const database = await resolveDatabase(config, () => undefined);
  let app: Awaited<ReturnType<typeof createApp>>;
  try {
    await assertDatabaseReachable(database.url);
    app = await createApp({ ...config, databaseUrl: database.url });
  } catch (error) {
    await database.stop();
    throw error;
  }
  try {
    await app.init();
    const redis = app.get<RedisClient | null>(REDIS_CLIENT);
    if (redis) {
      await Promise.race([
        redis.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timed out')), 3_000).unref()),
      ]).catch((error: unknown) => {
        throw new Error(
          `Redis at REDIS_URL cannot be reached (${(error as Error).message}): nothing to warm`,
        );
      });
    }
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
    const total = rows.reduce((sum, r) => sum + r.requests, 0);
    console.log(
      `warmed ${total} keys (${redis ? 'Redis' : 'in-memory: this process only, so only useful as a check'})`,
    );
  } finally {
    await app.close();
    await database.stop();
  }
}

main()
  .then(() => process.exit(0))
  .catch((error: unknown) => {
    console.error(
      error instanceof ConfigError
        ? error.message
        : `cache warmup failed: ${(error as Error)?.message ?? String(error)}`,
    );
    process.exit(1);
  });
