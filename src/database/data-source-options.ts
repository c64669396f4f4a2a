import type { DataSourceOptions } from 'typeorm';
import { migrations } from '../../migrations/index.js';
import { entities } from './entities.js';
import { PreparingClient } from './prepared-statements.js';
import { SnakeNamingStrategy } from './snake-naming.strategy.js';

export interface DatabaseOptions {
  url: string;
  poolSize?: number;
  /** Name parameterised statements so PostgreSQL parses and plans them once (prepared-statements.ts). */
  preparedStatements?: boolean;
  /** Log every query (debugging only). */
  logging?: boolean;
}

/**
 * The one data source configuration, shared by the application, the CLIs and the TypeORM CLI.
 * Migrations are listed explicitly (migrations/index.ts) so every runner — tsc output, swc-jest,
 * ts-node — loads them through its own module loader; `synchronize` is never on.
 */
export function dataSourceOptions(options: DatabaseOptions): DataSourceOptions {
  return {
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    namingStrategy: new SnakeNamingStrategy(),
    // Failed queries surface through the exception filter; TypeORM's own error log would print
    // parameters (password hashes, tokens), so it stays off unless asked for.
    logging: options.logging ? 'all' : false,
    extra: {
      max: options.poolSize ?? 20,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      // A runaway statement must not hold a pool connection (and its locks) forever.
      statement_timeout: 15_000,
      lock_timeout: 10_000,
      idle_in_transaction_session_timeout: 30_000,
      application_name: 'shop-api',
      ...(options.preparedStatements ? { Client: PreparingClient } : {}),
    },
  };
}
