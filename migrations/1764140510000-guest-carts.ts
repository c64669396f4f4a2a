import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Guest carts: a cart belongs to a user or to an anonymous visitor who holds an opaque cart
 * token. Only the token's SHA-256 is stored; a guest cart expires (sliding) and is swept.
 */
export class GuestCarts1764140510000 implements MigrationInterface {
  name = 'GuestCarts1764140510000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE carts ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(
      `ALTER TABLE carts ADD COLUMN guest_token_hash char(64) CONSTRAINT carts_guest_token_hash_key UNIQUE`,
    );
    await q.query(`ALTER TABLE carts ADD COLUMN expires_at timestamptz`);
    // Exactly one owner; a guest cart always expires, a user's never does.
    await q.query(
      `ALTER TABLE carts ADD CONSTRAINT carts_owner_check CHECK ((user_id IS NULL) <> (guest_token_hash IS NULL))`,
    );
    await q.query(
      `ALTER TABLE carts ADD CONSTRAINT carts_guest_expiry_check CHECK ((guest_token_hash IS NULL) = (expires_at IS NULL))`,
    );
    await q.query(
      `CREATE INDEX carts_guest_expires_idx ON carts (expires_at) WHERE user_id IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DELETE FROM carts WHERE user_id IS NULL`);
    await q.query(`DROP INDEX carts_guest_expires_idx`);
    await q.query(`ALTER TABLE carts DROP CONSTRAINT carts_guest_expiry_check`);
    await q.query(`ALTER TABLE carts DROP CONSTRAINT carts_owner_check`);
    await q.query(`ALTER TABLE carts DROP COLUMN expires_at`);
    await q.query(`ALTER TABLE carts DROP COLUMN guest_token_hash`);
    await q.query(`ALTER TABLE carts ALTER COLUMN user_id SET NOT NULL`);
  }
}
