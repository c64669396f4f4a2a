import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Wishlists1764140410000 implements MigrationInterface {
  name = 'Wishlists1764140410000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE wishlists (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        name varchar(100) NOT NULL CONSTRAINT wishlists_name_check CHECK (btrim(name) <> ''),
        is_default boolean NOT NULL DEFAULT false,
        is_public boolean NOT NULL DEFAULT false,
        -- 256 random bits, base64url: the link of a public wishlist; rotating it revokes old links
        share_token varchar(64) NOT NULL CONSTRAINT wishlists_share_token_key UNIQUE,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one default per user (the service keeps it exactly one while the user has any).
    await q.query(
      `CREATE UNIQUE INDEX wishlists_user_default_key ON wishlists (user_id) WHERE is_default`,
    );
    await q.query(`CREATE INDEX wishlists_user_created_idx ON wishlists (user_id, created_at, id)`);
    await q.query(`
      CREATE TABLE wishlist_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        wishlist_id uuid NOT NULL REFERENCES wishlists (id) ON DELETE CASCADE,
        -- a deleted product leaves every wishlist
        product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        added_at timestamptz(3) NOT NULL DEFAULT now(),
        CONSTRAINT wishlist_items_wishlist_product_key UNIQUE (wishlist_id, product_id)
      )`);
    await q.query(`CREATE INDEX wishlist_items_product_id_idx ON wishlist_items (product_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE wishlist_items`);
    await q.query(`DROP TABLE wishlists`);
  }
}
