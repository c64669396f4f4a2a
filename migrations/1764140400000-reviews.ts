import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Reviews1764140400000 implements MigrationInterface {
  name = 'Reviews1764140400000';

  async up(q: QueryRunner): Promise<void> {
    // The product's summary of its approved reviews, kept in step by the moderation transaction:
    // 0.00 and 0 when it has none, else an average of ratings 1–5 rounded to hundredths.
    await q.query(`
      ALTER TABLE products
        ADD COLUMN rating_average numeric(3, 2) NOT NULL DEFAULT 0
          CONSTRAINT products_rating_average_check CHECK (rating_average = 0 OR rating_average BETWEEN 1 AND 5),
        ADD COLUMN review_count integer NOT NULL DEFAULT 0
          CONSTRAINT products_review_count_check CHECK (review_count >= 0),
        ADD CONSTRAINT products_rating_summary_check CHECK ((review_count = 0) = (rating_average = 0))`);
    await q.query(
      `CREATE INDEX products_active_rating_idx ON products (rating_average, id) WHERE is_active`,
    );
    await q.query(`
      CREATE TABLE reviews (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        -- the author's display name when they wrote or last edited it
        author_name varchar(120) NOT NULL,
        rating smallint NOT NULL CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 5),
        title varchar(200) NOT NULL CONSTRAINT reviews_title_check CHECK (btrim(title) <> ''),
        text varchar(5000) NOT NULL CONSTRAINT reviews_text_check CHECK (btrim(text) <> ''),
        status varchar(16) NOT NULL DEFAULT 'pending' CONSTRAINT reviews_status_check
          CHECK (status IN ('pending', 'approved', 'rejected')),
        moderation_note varchar(500),
        moderated_by uuid REFERENCES users (id) ON DELETE SET NULL,
        moderated_at timestamptz,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- one review per customer and product, whatever its status
        CONSTRAINT reviews_user_product_key UNIQUE (user_id, product_id)
      )`);
    // The public list of a product's reviews, newest first (and the rating aggregate).
    await q.query(
      `CREATE INDEX reviews_product_approved_idx ON reviews (product_id, created_at DESC, id DESC)
         WHERE status = 'approved'`,
    );
    // Cascading product deletes, and the staff moderation queue.
    await q.query(`CREATE INDEX reviews_product_id_idx ON reviews (product_id)`);
    await q.query(`CREATE INDEX reviews_status_created_idx ON reviews (status, created_at, id)`);
    await q.query(`CREATE INDEX reviews_moderated_by_idx ON reviews (moderated_by)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE reviews`);
    await q.query(`DROP INDEX products_active_rating_idx`);
    await q.query(`
      ALTER TABLE products
        DROP CONSTRAINT products_rating_summary_check,
        DROP COLUMN review_count,
        DROP COLUMN rating_average`);
  }
}
