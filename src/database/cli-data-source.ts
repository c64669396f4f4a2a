import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '@/config/app-config.js';
import { loadEnvFile } from '@/config/load-env-file.js';
import { dataSourceOptions } from './data-source-options.js';

/** The data source of the TypeORM CLI (`npm run migration:*`): the same options as the app. */
loadEnvFile();
const config = loadConfig();
if (!config.databaseUrl) {
  throw new Error(
    'Set DATABASE_URL for the migration commands (the embedded database migrates itself at start).',
  );
}
export default new DataSource(dataSourceOptions({ url: config.databaseUrl, poolSize: 2 }));
