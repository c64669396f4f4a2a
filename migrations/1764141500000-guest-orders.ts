import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Guest checkout: an order may belong to no account, only to a contact address (`guest_email`)
 * and the holder of its order token (only the token's SHA-256, hex, is stored). Every order has
 * one or the other (CHECK). The coupon use of a guest order is counted per address, and a guest
 * checkout's Idempotency-Key is remembered per guest cart. When an account proves the address
 * (email verification), its guest orders and their coupon uses get its id (one UPDATE each).
 *
 * `down()` refuses while guest orders exist that no account has claimed: making `user_id` NOT
 * NULL again would have to drop orders, and a migration does not delete sales.
 */
export class GuestOrders1764141500000 implements MigrationInterface {
  name = 'GuestOrders1764141500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`ALTER TABLE orders ADD COLUMN guest_email varchar(254)`);
    await q.query(`ALTER TABLE orders ADD COLUMN guest_token_hash char(64)`);
    await q.query(
      `ALTER TABLE orders ADD CONSTRAINT orders_guest_token_hash_key UNIQUE (guest_token_hash)`,
    );
    // A guest order keeps its address and token after an account claims it (the token still opens it).
    await q.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_buyer_check
        CHECK (user_id IS NOT NULL OR (guest_email IS NOT NULL AND guest_token_hash IS NOT NULL))`);
    // The claim on verification looks up the unclaimed orders of one address.
    await q.query(
      `CREATE INDEX orders_guest_email_unclaimed_idx ON orders (lower(guest_email)) WHERE user_id IS NULL`,
    );

    await q.query(`ALTER TABLE coupon_redemptions ALTER COLUMN user_id DROP NOT NULL`);
    await q.query(`ALTER TABLE coupon_redemptions ADD COLUMN guest_email varchar(254)`);
    await q.query(`
      ALTER TABLE coupon_redemptions ADD CONSTRAINT coupon_redemptions_buyer_check
        CHECK (user_id IS NOT NULL OR guest_email IS NOT NULL)`);
    await q.query(
      `CREATE INDEX coupon_redemptions_guest_held_idx ON coupon_redemptions (coupon_id, lower(guest_email)) WHERE released_at IS NULL AND guest_email IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE guest_idempotency_keys (
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        response_status smallint,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (cart_id, key)
      )`);
    await q.query(
      `CREATE INDEX guest_idempotency_keys_created_idx ON guest_idempotency_keys (created_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    const [unclaimed] = (await q.query(
      `SELECT count(*)::int AS n FROM orders WHERE user_id IS NULL`,
    )) as Array<{ n: number }>;
    if ((unclaimed?.n ?? 0) > 0)
      throw new Error(
        `${unclaimed?.n} guest order(s) belong to no account: reverting would lose them`,
      );
    await q.query(`DROP TABLE guest_idempotency_keys`);
    await q.query(`DROP INDEX coupon_redemptions_guest_held_idx`);
    await q.query(`ALTER TABLE coupon_redemptions DROP CONSTRAINT coupon_redemptions_buyer_check`);
    await q.query(`ALTER TABLE coupon_redemptions DROP COLUMN guest_email`);
    await q.query(`ALTER TABLE coupon_redemptions ALTER COLUMN user_id SET NOT NULL`);
    await q.query(`DROP INDEX orders_guest_email_unclaimed_idx`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_buyer_check`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_guest_token_hash_key`);
    await q.query(`ALTER TABLE orders DROP COLUMN guest_token_hash`);
    await q.query(`ALTER TABLE orders DROP COLUMN guest_email`);
    await q.query(`ALTER TABLE orders ALTER COLUMN user_id SET NOT NULL`);
  }
}
