import type { Db } from 'pg-boss';
import type { EntityManager } from 'typeorm';

/**
 * pg-boss statements on the caller's running transaction, so a job commits or rolls back with
 * the change that made it. Uses the structured result: plain `manager.query()` answers
 * `[rows, rowCount]` for UPDATE/DELETE (TypeORM 1.x PostgresQueryRunner).
 */
export function typeormExecutor(manager: EntityManager): Db {
  const runner = manager.queryRunner;
  if (!runner?.isTransactionActive) throw new Error('typeormExecutor needs a running transaction');
  return {
    executeSql: async (text, values) => {
      const result = await runner.query(text, values, true);
      return { rows: (result.records as unknown[] | undefined) ?? [] };
    },
  };
}
