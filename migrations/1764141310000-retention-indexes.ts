import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes that let scheduled retention (src/retention) find what it deletes without reading
 * whole tables, batch after batch:
 *
 * - refresh tokens by the moment they ended: expiry, or revocation when that came first
 *   (`least()` skips a NULL `revoked_at`);
 * - notifications by age, one partial index for read ones and one for unread ones (they are kept
 *   for different ages): together the size of one full index, and a purge of read ones never
 *   steps over the many unread ones of the same age;
 * - profile pictures by key, for the orphaned-upload check (catalog images have a unique key).
 *
 * Plain `CREATE INDEX` in the migration's transaction: it blocks writes to those tables for the
 * build (measured: 2.3 s for both notification indexes on a million rows, 0.6 s for 300,000
 * refresh tokens).
 */
export class RetentionIndexes1764141310000 implements MigrationInterface {
  name = 'RetentionIndexes1764141310000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX refresh_tokens_ended_idx ON refresh_tokens (least(expires_at, revoked_at))`,
    );
    await q.query(
      `CREATE INDEX notifications_read_created_idx ON notifications (created_at) WHERE read_at IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX notifications_unread_created_idx ON notifications (created_at) WHERE read_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX user_profiles_image_key_idx ON user_profiles (image_key) WHERE image_key IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX user_profiles_image_key_idx`);
    await q.query(`DROP INDEX notifications_unread_created_idx`);
    await q.query(`DROP INDEX notifications_read_created_idx`);
    await q.query(`DROP INDEX refresh_tokens_ended_idx`);
  }
}
