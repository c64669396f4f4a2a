import { DataSource } from 'typeorm';
import { CatalogCache } from '@/catalog/catalog-cache.service.js';
import { CatalogNamespace } from '@/catalog/catalog-cache.keys.js';
import { seedDemoCatalog } from '@/catalog/demo-catalog.js';
import { parseCliArgs, runCli, UsageError } from './cli-context.js';

/** `npm run seed -- --products N`: an idempotent demo catalog, bulk inserted with a progress bar. */
runCli(
  'usage: npm run seed -- --products N   (N from 1 to 5,000,000; default 1000)',
  () => {
    const values = parseCliArgs({ products: { type: 'string', default: '1000' } });
    const count = Number(values.products);
    if (!Number.isInteger(count) || count < 1 || count > 5_000_000)
      throw new UsageError(`--products must be a whole number (got ${values.products})`);
    return count;
  },
  async (app, config, count) => {
    const started = performance.now();
    const bar = (done: number, total: number): void => {
      if (!process.stderr.isTTY && done !== total && done % 10_000 !== 0) return;
      const width = 30;
      const filled = Math.round((done / total) * width);
      const line = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done.toLocaleString('en')}/${total.toLocaleString('en')}`;
      process.stderr.write(process.stderr.isTTY ? `\r${line}` : `${line}\n`);
    };
    const inserted = await seedDemoCatalog(app.get(DataSource), count, config.currency, bar);
    if (process.stderr.isTTY) process.stderr.write('\n');
    await app
      .get(CatalogCache)
      .invalidate([
        CatalogNamespace.products,
        CatalogNamespace.productDetails,
        CatalogNamespace.categories,
        CatalogNamespace.brands,
      ]);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `seeded ${inserted.toLocaleString('en')} new products (${(count - inserted).toLocaleString('en')} already there) in ${seconds} s`,
    );
  },
);
