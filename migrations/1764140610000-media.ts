import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Uploaded catalog images (products, categories, brands) and the outbox of stored files to
 * delete. A file is deleted only after the transaction that let go of it committed: deleting a
 * `catalog_images` row (directly, or by the cascade of its product, category or brand) queues
 * its key in `media_deletions` in that same transaction, and the media service removes queued
 * files after commit and on a timer. A rolled-back delete therefore never loses a file.
 */
export class Media1764140610000 implements MigrationInterface {
  name = 'Media1764140610000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE media_deletions (
        storage_key varchar(64) PRIMARY KEY,
        queued_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE catalog_images (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid REFERENCES products (id) ON DELETE CASCADE,
        category_id uuid REFERENCES categories (id) ON DELETE CASCADE,
        brand_id uuid REFERENCES brands (id) ON DELETE CASCADE,
        storage_key varchar(64) NOT NULL CONSTRAINT catalog_images_storage_key_key UNIQUE
          CONSTRAINT catalog_images_storage_key_check CHECK (storage_key ~ '^[0-9a-f]{32}\\.(jpg|png|webp|gif)$'),
        content_type varchar(32) NOT NULL CONSTRAINT catalog_images_content_type_check
          CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp', 'image/gif')),
        byte_size integer NOT NULL CHECK (byte_size > 0),
        width integer NOT NULL CHECK (width > 0),
        height integer NOT NULL CHECK (height > 0),
        alt_text varchar(200) NOT NULL DEFAULT '',
        is_primary boolean NOT NULL DEFAULT false,
        sort_order integer NOT NULL DEFAULT 0 CHECK (sort_order >= 0),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT catalog_images_one_owner_check
          CHECK (num_nonnulls(product_id, category_id, brand_id) = 1)
      )`);
    for (const owner of ['product', 'category', 'brand']) {
      await q.query(
        `CREATE INDEX catalog_images_${owner}_order_idx ON catalog_images (${owner}_id, sort_order, created_at)
           WHERE ${owner}_id IS NOT NULL`,
      );
      // At most one primary image per owner.
      await q.query(
        `CREATE UNIQUE INDEX catalog_images_${owner}_primary_key ON catalog_images (${owner}_id)
           WHERE is_primary AND ${owner}_id IS NOT NULL`,
      );
    }
    await q.query(`
      CREATE FUNCTION catalog_images_queue_file_deletion() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO media_deletions (storage_key) VALUES (OLD.storage_key) ON CONFLICT DO NOTHING;
        RETURN OLD;
      END $$`);
    await q.query(`
      CREATE TRIGGER catalog_images_queue_file_deletion AFTER DELETE ON catalog_images
        FOR EACH ROW EXECUTE FUNCTION catalog_images_queue_file_deletion()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalog_images`);
    await q.query(`DROP FUNCTION catalog_images_queue_file_deletion()`);
    await q.query(`DROP TABLE media_deletions`);
  }
}
