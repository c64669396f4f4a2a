import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Coupons1764140500000 implements MigrationInterface {
  name = 'Coupons1764140500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coupons (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code varchar(50) NOT NULL CONSTRAINT coupons_code_format_check
          CHECK (code ~ '^[A-Za-z0-9][A-Za-z0-9_-]{2,49}$'),
        description varchar(500),
        discount_type varchar(16) NOT NULL CONSTRAINT coupons_discount_type_check
          CHECK (discount_type IN ('percentage', 'fixed')),
        -- percentage: whole percent 1–100; fixed: minor units of the store currency
        discount_value integer NOT NULL CONSTRAINT coupons_discount_value_check
          CHECK (discount_value > 0 AND (discount_type <> 'percentage' OR discount_value <= 100)),
        starts_at timestamptz,
        ends_at timestamptz,
        min_order_amount integer CONSTRAINT coupons_min_order_amount_check CHECK (min_order_amount >= 0),
        max_discount_amount integer CONSTRAINT coupons_max_discount_amount_check CHECK (max_discount_amount > 0),
        usage_limit integer CONSTRAINT coupons_usage_limit_check CHECK (usage_limit > 0),
        per_user_limit integer CONSTRAINT coupons_per_user_limit_check CHECK (per_user_limit > 0),
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT coupons_window_check CHECK (ends_at > starts_at)
      )`);
    // Codes are unique whatever their case: "SAVE10" and "save10" are one coupon.
    await q.query(`CREATE UNIQUE INDEX coupons_code_lower_key ON coupons (lower(code))`);
    await q.query(`CREATE INDEX coupons_created_idx ON coupons (created_at DESC, id DESC)`);
    /*
     * One row per use, written in the checkout transaction under the coupon's row lock, so usage
     * limits are counted, never read-modify-written. A cancelled order's use is released (kept
     * for the audit trail, no longer counted).
     */
    await q.query(`
      CREATE TABLE coupon_redemptions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        coupon_id uuid NOT NULL REFERENCES coupons (id) ON DELETE RESTRICT,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
        discount_amount integer NOT NULL CONSTRAINT coupon_redemptions_discount_check
          CHECK (discount_amount >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz,
        CONSTRAINT coupon_redemptions_coupon_order_key UNIQUE (coupon_id, order_id)
      )`);
    await q.query(
      `CREATE INDEX coupon_redemptions_held_idx ON coupon_redemptions (coupon_id, user_id) WHERE released_at IS NULL`,
    );
    await q.query(`CREATE INDEX coupon_redemptions_order_idx ON coupon_redemptions (order_id)`);
    // The code as the customer's order applied it (a snapshot: the coupon may change later).
    await q.query(`ALTER TABLE orders ADD COLUMN coupon_code varchar(50)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders DROP COLUMN coupon_code`);
    await q.query(`DROP TABLE coupon_redemptions`);
    await q.query(`DROP TABLE coupons`);
  }
}
