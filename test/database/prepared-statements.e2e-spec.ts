import pg from 'pg';
import { dataSourceOptions } from '@/database/data-source-options.js';
import { SEARCH_QUERY_SQL } from '@/catalog/products/product-page.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import {
  isStalePreparedStatement,
  MAX_PREPARED_PER_CONNECTION,
  PLAN_PER_EXECUTION,
  PreparingClient,
  statementName,
} from '@/database/prepared-statements.js';

/**
 * The app's pool names its parameterised statements (DATABASE_PREPARED_STATEMENTS): what the
 * server ends up holding per connection, what stays unnamed, and why `*` result lists must.
 */
const url = (): string => {
  const value = process.env.TEST_DATABASE_URL;
  if (!value) throw new Error('TEST_DATABASE_URL is unset: run e2e tests through jest');
  return value;
};

/** The statements the server holds for this connection (`pg_prepared_statements`). */
async function preparedOn(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ statement: string }>(
    'SELECT statement FROM pg_prepared_statements ORDER BY prepare_time',
  );
  return rows.map((r) => r.statement);
}

describe('prepared statements (named, once per connection)', () => {
  let client: PreparingClient;
  const table = `prep_${process.pid}`;

  beforeAll(async () => {
    client = new PreparingClient({ connectionString: url() });
    await client.connect();
    await client.query(`CREATE TEMP TABLE ${table} (id int PRIMARY KEY, label text)`);
    await client.query(`INSERT INTO ${table} VALUES (1, 'one'), (2, 'two')`);
  });
  afterAll(() => client.end());

  it('parses a parameterised statement once and answers each execution with its own values', async () => {
    const text = `SELECT label FROM ${table} WHERE id = $1`;
    const answers = [];
    for (const id of [1, 2, 1, 2, 1, 2, 1]) {
      answers.push((await client.query<{ label: string }>(text, [id])).rows[0]?.label);
    }
    expect(answers).toEqual(['one', 'two', 'one', 'two', 'one', 'two', 'one']);
    expect((await preparedOn(client)).filter((s) => s === text)).toHaveLength(1);
    expect(statementName(text)).toMatch(/^shop_/);
  });

  it('leaves statements without parameters unnamed: several commands in one text still run', async () => {
    const before = await preparedOn(client);
    await client.query(`UPDATE ${table} SET label = 'uno' WHERE id = 1; SELECT 1`);
    expect(await preparedOn(client)).toEqual(before);
    const { rows } = await client.query<{ label: string }>(
      `SELECT label FROM ${table} WHERE id = $1`,
      [1],
    );
    expect(rows).toEqual([{ label: 'uno' }]);
  });

  it('leaves `*` result lists unnamed: a prepared one breaks once a migration adds a column', async () => {
    const star = `SELECT * FROM ${table} WHERE id = $1`;
    const returning = `UPDATE ${table} SET label = label WHERE id = $1 RETURNING *`;
    const aliased = `SELECT t.id, t.* FROM ${table} t WHERE id = $1`;
    for (const text of [star, returning, aliased]) {
      expect(statementName(text)).toBeNull();
      await client.query(text, [2]);
    }
    expect(await preparedOn(client)).not.toEqual(
      expect.arrayContaining([expect.stringContaining('*')]),
    );
    // What the rule avoids: the same statement prepared by hand, then a column added.
    await client.query({ name: 'by_hand_star', text: star, values: [2] });
    await client.query(`ALTER TABLE ${table} ADD COLUMN note text`);
    await expect(client.query({ name: 'by_hand_star', text: star, values: [2] })).rejects.toThrow(
      /cached plan must not change result type/,
    );
    // A named statement with its columns listed survives the same change (it is re-planned).
    const listed = `SELECT id, label FROM ${table} WHERE id = $1`;
    await client.query(listed, [2]);
    await client.query(`ALTER TABLE ${table} ADD COLUMN extra int`);
    expect((await client.query(listed, [2])).rows).toEqual([{ id: 2, label: 'two' }]);
    expect(statementName('SELECT count(*) FROM t WHERE id = $1')).not.toBeNull();
  });

  it('prepares a statement anew once a migration changed its result type (ALTER COLUMN … TYPE)', async () => {
    const other = new PreparingClient({ connectionString: url() });
    await other.connect();
    const changing = `prep_type_${process.pid}`;
    try {
      await other.query(`CREATE TEMP TABLE ${changing} (id int PRIMARY KEY, code varchar(8))`);
      await other.query(`INSERT INTO ${changing} VALUES (1, 'a'), (2, 'b')`);
      const read = `SELECT id, code FROM ${changing} WHERE id = $1`;
      const readTwice = `SELECT code FROM ${changing} WHERE id = $1 OR id = $2 ORDER BY id`;
      await other.query(read, [1]);
      await other.query(readTwice, [1, 2]);
      const before = statementName(read);
      await other.query(`ALTER TABLE ${changing} ALTER COLUMN code TYPE varchar(40)`);

      // Outside a transaction: run again at once under a new name, nothing surfaces.
      expect((await other.query(read, [2])).rows).toEqual([{ id: 2, code: 'b' }]);
      expect(statementName(read)).not.toBe(before);

      // Inside one: the transaction fails once (a stale statement), and runs again.
      let attempts = 0;
      const codes = await withTransactionRetry(async () => {
        attempts += 1;
        await other.query('BEGIN');
        try {
          const { rows } = await other.query<{ code: string }>(readTwice, [1, 2]);
          await other.query('COMMIT');
          return rows.map((r) => r.code);
        } catch (error) {
          await other.query('ROLLBACK');
          if (attempts === 1) expect(isStalePreparedStatement(error)).toBe(true);
          throw error;
        }
      });
      expect(codes).toEqual(['a', 'b']);
      expect(attempts).toBe(2);
    } finally {
      await other.end();
    }
  });

  it('forgets a statement the server no longer knows (26000) and prepares it again', async () => {
    const text = `SELECT label FROM ${table} WHERE id = $1 AND $2::int = 2`;
    await client.query(text, [2, 2]);
    const name = statementName(text);
    await client.query(`DEALLOCATE ${name}`);
    expect((await client.query<{ label: string }>(text, [2, 2])).rows).toEqual([{ label: 'two' }]);
    expect(statementName(text)).not.toBe(name);
  });

  it('leaves statements marked PLAN_PER_EXECUTION unnamed, catalog search among them', async () => {
    const search = `SELECT id FROM ${table} WHERE to_tsvector('simple', label) @@ ${SEARCH_QUERY_SQL('$1')}`;
    expect(search).toContain(PLAN_PER_EXECUTION);
    expect(statementName(search)).toBeNull();
    for (const q of ['two:*', 'two:*', 'uno:*', 'two:*', 'two:*', 'two:*', 'two:*']) {
      await client.query(search, [q]);
    }
    expect((await client.query<{ id: number }>(search, ['two:*'])).rows).toEqual([{ id: 2 }]);
    expect(await preparedOn(client)).not.toEqual(
      expect.arrayContaining([expect.stringContaining('to_tsquery')]),
    );
  });

  it(`prepares at most ${MAX_PREPARED_PER_CONNECTION} statements per connection; later new texts run unnamed`, async () => {
    const other = new PreparingClient({ connectionString: url() });
    await other.connect();
    try {
      // Texts that differ only in a list's length, as TypeORM's `IN (…)` makes them.
      const lists = Array.from({ length: MAX_PREPARED_PER_CONNECTION + 20 }, (_, i) => i + 1);
      for (const n of lists) {
        const params = Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', ');
        const values = Array.from({ length: n }, (_, i) => i);
        const { rows } = await other.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM generate_series(0, 1000) g WHERE g IN (${params})`,
          values,
        );
        expect(rows[0]?.n).toBe(n);
      }
      expect(await preparedOn(other)).toHaveLength(MAX_PREPARED_PER_CONNECTION);
    } finally {
      await other.end();
    }
  });

  it('is the pool client only when asked for (DATABASE_PREPARED_STATEMENTS)', () => {
    const extra = (prepared: boolean): Record<string, unknown> =>
      dataSourceOptions({ url: url(), preparedStatements: prepared }).extra as Record<
        string,
        unknown
      >;
    expect(extra(true).Client).toBe(PreparingClient);
    expect(extra(false).Client).toBeUndefined();
  });
});
