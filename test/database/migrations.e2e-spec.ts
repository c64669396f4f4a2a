import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@/database/data-source-options.js';
import { runMigrations } from '@/database/database.runtime.js';
import { migrateOnce } from '../support/migrate-once.js';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database.js';

/**
 * Tables the migrations make that no entity maps: kept by triggers (`catalog_skus`,
 * `product_search`, `media_deletions`) or by TypeORM itself.
 */
const DATABASE_ONLY_TABLES = [
  'catalog_skus',
  'media_deletions',
  'product_search',
  'typeorm_migrations',
];

/**
 * Column defaults the database has and the entity does not declare, so TypeORM would drop
 * them: `at` is `insert: false` (the database stamps it, in statement order); the others are a
 * safety net under columns every insert sets.
 */
const DATABASE_ONLY_DEFAULTS: Record<string, string> = {
  'orders.status': "'pending'::character varying",
  'orders.payment_status': "'pending'::character varying",
  'orders.discount_amount': '0',
  'order_status_history.at': 'clock_timestamp()',
};

interface ForeignKey {
  table: string;
  columns: string;
  refTable: string;
  refColumns: string;
  onDelete: string;
  onUpdate: string;
}

/** What the database has that the pending SQL may refer to. */
interface Catalog {
  /** `table.constraint` → contype (`f`, `c`, `u`, `p`, `x`). */
  constraints: Map<string, string>;
  /** Indexes of their own (not those backing a constraint). */
  indexes: Set<string>;
  foreignKeys: ForeignKey[];
  /** `table.column` → default expression, as PostgreSQL prints it. */
  defaults: Map<string, string>;
}

const FK_ACTION: Record<string, string> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

async function readCatalog(db: DataSource): Promise<Catalog> {
  const constraints = await db.query<Array<{ tbl: string; name: string; type: string }>>(
    `SELECT conrelid::regclass::text AS tbl, conname AS name, contype AS type
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid <> 0`,
  );
  const indexes = await db.query<Array<{ name: string }>>(
    `SELECT i.relname AS name FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE i.relnamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
  );
  const foreignKeys = await db.query<Array<ForeignKey & { del: string; upd: string }>>(
    `SELECT c.conrelid::regclass::text AS "table", c.confrelid::regclass::text AS "refTable",
            (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.conkey) WITH ORDINALITY k(att, n)
               JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.att) AS columns,
            (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(c.confkey) WITH ORDINALITY k(att, n)
               JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.att) AS "refColumns",
            c.confdeltype AS del, c.confupdtype AS upd
       FROM pg_constraint c WHERE c.contype = 'f' AND c.connamespace = 'public'::regnamespace`,
  );
  const defaults = await db.query<Array<{ tbl: string; col: string; def: string }>>(
    `SELECT table_name AS tbl, column_name AS col, column_default AS def
       FROM information_schema.columns WHERE table_schema = 'public' AND column_default IS NOT NULL`,
  );
  return {
    constraints: new Map(constraints.map((c) => [`${c.tbl}.${c.name}`, c.type])),
    indexes: new Set(indexes.map((i) => i.name)),
    foreignKeys: foreignKeys.map(({ del, upd, ...fk }) => ({
      ...fk,
      onDelete: FK_ACTION[del] ?? del,
      onUpdate: FK_ACTION[upd] ?? upd,
    })),
    defaults: new Map(defaults.map((d) => [`${d.tbl}.${d.col}`, d.def])),
  };
}

const unquote = (list: string): string =>
  list
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, ''))
    .join(',');

/**
 * Why TypeORM's statement is no real difference, or undefined when it is one. The entities map
 * columns only: constraints, indexes and triggers belong to the migrations (their names and
 * expressions — `lower(email)`, partial and GIN indexes, CHECKs — are more than decorators say),
 * so TypeORM would drop every one of them; its foreign keys are those of the database under
 * generated names; one default only reads differently.
 */
function explain(sql: string, db: Catalog): string | undefined {
  let m = /^ALTER TABLE "(\w+)" DROP CONSTRAINT "(\w+)"$/.exec(sql);
  if (m) {
    const type = db.constraints.get(`${m[1]}.${m[2]}`);
    return type && 'fcu'.includes(type) ? `database-side constraint (${type})` : undefined;
  }
  m = /^DROP INDEX "public"\."(\w+)"$/.exec(sql);
  if (m) return m[1] && db.indexes.has(m[1]) ? 'database-side index' : undefined;
  m =
    /^ALTER TABLE "(\w+)" ADD CONSTRAINT "FK_\w+" FOREIGN KEY \(([^)]+)\) REFERENCES "(\w+)"\(([^)]+)\) ON DELETE ([A-Z ]+) ON UPDATE ([A-Z ]+)$/.exec(
      sql,
    );
  if (m) {
    const [, table, columns, refTable, refColumns, onDelete, onUpdate] = m;
    const pairs = (cols: string, refs: string): string[] => {
      const refList = unquote(refs).split(',');
      return unquote(cols)
        .split(',')
        .map((col, i) => `${col}>${refList[i]}`);
    };
    const wanted = pairs(columns ?? '', refColumns ?? '');
    // The database's key may be wider: `(attribute_value_id, attribute_id)` also pins the value
    // to its attribute, which implies the entity's single-column key.
    const same = db.foreignKeys.some((fk) => {
      const has = pairs(fk.columns, fk.refColumns);
      return (
        fk.table === table &&
        fk.refTable === refTable &&
        fk.onDelete === onDelete &&
        fk.onUpdate === onUpdate &&
        wanted.every((pair) => has.includes(pair))
      );
    });
    return same
      ? 'a foreign key the database has, under the name the migration gave it'
      : undefined;
  }
  m = /^ALTER TABLE "(\w+)" ALTER COLUMN "(\w+)" SET DEFAULT (.+)$/.exec(sql);
  // TypeORM reads `'[]'::jsonb` back as `'[]'` and so never finds the entity's default equal.
  if (m) return db.defaults.get(`${m[1]}.${m[2]}`) === m[3] ? 'the default it has' : undefined;
  m = /^ALTER TABLE "(\w+)" ALTER COLUMN "(\w+)" DROP DEFAULT$/.exec(sql);
  if (m) {
    const column = `${m[1]}.${m[2]}`;
    const allowed = DATABASE_ONLY_DEFAULTS[column];
    return allowed !== undefined && db.defaults.get(column) === allowed
      ? 'a database-only default'
      : undefined;
  }
  return undefined;
}

/**
 * Tables, columns, constraints, indexes, functions, triggers and sequences, as text; not what
 * extensions own (TypeORM installs uuid-ossp itself when it connects).
 */
async function schemaOf(db: DataSource): Promise<string[]> {
  const rows = await db.query<Array<{ line: string }>>(
    `SELECT format('column %s.%s %s %s %s', table_name, column_name, data_type, is_nullable,
                   coalesce(column_default, '-')) AS line
       FROM information_schema.columns WHERE table_schema = 'public'
     UNION ALL SELECT format('constraint %s %s', conrelid::regclass, pg_get_constraintdef(oid))
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace
     UNION ALL SELECT format('index %s', indexdef) FROM pg_indexes WHERE schemaname = 'public'
     UNION ALL SELECT format('function %s', pg_get_functiondef(p.oid))
       FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
     UNION ALL SELECT format('trigger %s', pg_get_triggerdef(t.oid))
       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
      WHERE c.relnamespace = 'public'::regnamespace AND NOT t.tgisinternal
     UNION ALL SELECT format('sequence %s', sequence_name)
       FROM information_schema.sequences WHERE sequence_schema = 'public'
     UNION ALL SELECT format('type %s', typname) FROM pg_type t
      WHERE typnamespace = 'public'::regnamespace AND typtype IN ('e', 'd', 'r')
     UNION ALL SELECT format('view %s', table_name)
       FROM information_schema.views WHERE table_schema = 'public'`,
  );
  return rows.map((r) => r.line).sort();
}

const testDatabaseUrl = (): string => {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is unset: run e2e tests through jest');
  return url;
};

describe('the migrations against the entities', () => {
  let db: DataSource;
  beforeAll(async () => {
    await migrateOnce(testDatabaseUrl());
    db = new DataSource(dataSourceOptions({ url: testDatabaseUrl(), poolSize: 2 }));
    await db.initialize();
  });
  afterAll(async () => {
    await db?.destroy();
  });

  it('leave TypeORM no column, table or foreign key to create or change', async () => {
    // What lets TypeORM's drops pass below: no entity declares an index or a constraint.
    const declaring = db.entityMetadatas.filter(
      (m) => m.indices.length + m.checks.length + m.uniques.length + m.exclusions.length > 0,
    );
    expect(declaring.map((m) => m.tableName)).toEqual([]);
    const { upQueries } = await db.driver.createSchemaBuilder().log();
    const catalog = await readCatalog(db);
    const unexplained = upQueries.map((q) => q.query).filter((sql) => !explain(sql, catalog));
    expect(unexplained).toEqual([]);
  });

  it('make a table for every entity, and beyond them only the database-side tables', async () => {
    const tables = await db.query<Array<{ name: string }>>(
      `SELECT table_name AS name FROM information_schema.tables
        WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const entityTables = db.entityMetadatas.map((m) => m.tableName);
    expect(tables.map((t) => t.name).sort()).toEqual(
      [...entityTables, ...DATABASE_ONLY_TABLES].sort(),
    );
  });
});

describe('every migration down()', () => {
  let empty: ScratchDatabase | undefined;
  let scratchUrl: string;
  let db: DataSource | undefined;

  beforeAll(async () => {
    empty = await createScratchDatabase('shop_migrations');
    scratchUrl = empty.url;
  });
  afterAll(async () => {
    await db?.destroy();
    await empty?.drop();
  });

  it('reverts every migration to an empty schema, and the migrations then run again to the same schema', async () => {
    const scratch = new DataSource(dataSourceOptions({ url: scratchUrl, poolSize: 2 }));
    db = scratch;
    await scratch.initialize();
    const names = scratch.migrations.map((m) => m.name);
    expect(names).toHaveLength(new Set(names).size);
    expect(await runMigrations(scratchUrl)).toEqual(names);
    const migrated = await schemaOf(scratch);

    const applied = async (): Promise<string[]> =>
      (
        await scratch.query<Array<{ name: string }>>(
          'SELECT name FROM typeorm_migrations ORDER BY id',
        )
      ).map((r) => r.name);
    for (let count = names.length; count > 0; count -= 1) {
      await scratch.undoLastMigration({ transaction: 'each' });
      expect(await applied()).toEqual(names.slice(0, count - 1));
    }
    // Nothing is left but TypeORM's bookkeeping table (and its id sequence).
    const left = (await schemaOf(scratch)).filter((line) => !line.includes('typeorm_migrations'));
    expect(left).toEqual([]);

    expect(await runMigrations(scratchUrl)).toEqual(names);
    expect(await schemaOf(scratch)).toEqual(migrated);
  }, 120_000);
});
