import { parseCliArgs, runCli, UsageError } from './cli-args.js';

const USAGE = 'usage: npm run seed -- [--products N] [--force]';

const HELP = `Adds an idempotent demo catalog (categories, brands, products), bulk inserted with a progress
bar on stderr; products already there are kept, so running it twice adds nothing.

  --products N  how many demo products (1 to 5,000,000; default 1000)
  --force       seed even when NODE_ENV=production (refused otherwise)
  -h, --help    show this help

Exit: 0 done, 1 failure, 2 usage error (or NODE_ENV=production without --force).`;

/** `npm run seed -- --products N`: an idempotent demo catalog, bulk inserted with a progress bar. */
runCli({
  usage: USAGE,
  help: HELP,
  parse: () => {
    const values = parseCliArgs({
      products: { type: 'string', default: '1000' },
      force: { type: 'boolean', default: false },
    });
    const count = Number(values.products);
    if (!Number.isInteger(count) || count < 1 || count > 5_000_000)
      throw new UsageError(`--products must be a whole number (got ${values.products})`);
    return { count, force: values.force };
  },
  refuse: (config, { force }) => {
    // Demo products in a real shop are orders waiting to go wrong: say so before connecting.
    if (config.nodeEnv === 'production' && !force)
      throw new UsageError(
        'refusing to seed demo products: NODE_ENV=production, so this looks like a real shop. ' +
          'Add --force if this database should get them.',
      );
  },
  run: async (app, config, { count }) => {
    // Imported here, after the arguments: `--help` and usage errors need no application.
    const [{ DataSource }, { CatalogCache, seedDemoCatalog }] = await Promise.all([
      import('typeorm'),
      import('../catalog/index.js'),
    ]);
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
    // After the seed's commits (never before: a read in between would cache the old rows).
    await app.get(CatalogCache).bump('bulkImport');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(
      `seeded ${inserted.toLocaleString('en')} new products (${(count - inserted).toLocaleString('en')} already there) in ${seconds} s`,
    );
  },
});
