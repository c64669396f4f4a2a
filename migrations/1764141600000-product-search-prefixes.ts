import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Prefix search through exact index entries. `q` is a prefix query (`trail:*`), and GIN answers a
 * prefix by walking every key that starts with it and merging their posting lists into a bitmap,
 * entry by entry: at 1,000,000 products `noise cancelling` (four prefixes, english and simple)
 * took 130–170 ms in the index alone, the same words as exact keys 20 ms.
 *
 * This index holds, per search row, every prefix of every word of its `document` (`trail` →
 * `t`, `tr`, `tra`, `trai`, `trail`): a prefix query on `document` is the same query without
 * `:*` on these prefixes (a word starts with `x` exactly when `x` is one of its prefixes), which
 * GIN answers with exact keys. Its cost (10,000: about 30 µs a row) keeps the planner from
 * computing it row by row where the index can answer. ProductsService's plain search uses it
 * for queries that are not common; searches joined to other
 * filters keep matching `document` itself (its GIN index stays), because this expression is
 * costly to compute row by row.
 *
 * About 100 distinct prefixes per product: 37 MB at 100,000 products beside the document
 * index's 22 MB; built in about 20 s there.
 */
export class ProductSearchPrefixes1764141600000 implements MigrationInterface {
  name = 'ProductSearchPrefixes1764141600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION product_search_prefixes(document tsvector) RETURNS tsvector
        LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE COST 10000 AS $$
        SELECT array_to_tsvector(array_agg(DISTINCT left(word, n)))
          FROM unnest(tsvector_to_array(document)) AS word,
               generate_series(1, length(word)) AS n $$`);
    // The build reads every search row: about 20 s at 100,000 products, minutes at 1,000,000,
    // past the pool's 15 s statement timeout. For this migration's transaction only.
    await q.query(`SET LOCAL statement_timeout = 0`);
    await q.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await q.query(`
      CREATE INDEX product_search_prefixes_idx
        ON product_search USING gin (product_search_prefixes(document))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX product_search_prefixes_idx`);
    await q.query(`DROP FUNCTION product_search_prefixes(tsvector)`);
  }
}
