import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `sort=reviews` / `-reviews` (most reviewed first) walks this index as `sort=rating` walks
 * `products_active_rating_idx`: a page is read in order instead of sorting every active product.
 */
export class ReviewCountIndex1764141200000 implements MigrationInterface {
  name = 'ReviewCountIndex1764141200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX products_active_review_count_idx ON products (review_count, id) WHERE is_active`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX products_active_review_count_idx`);
  }
}
