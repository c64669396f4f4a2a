import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments through providers (src/payments): each order's payment with the provider's reference
 * (a Stripe PaymentIntent id), its refunds, and the provider events already applied (a Stripe
 * event id is applied once however often it is delivered). The PaymentIntent's client secret is
 * not stored: it is fetched from Stripe when its owner reads a payable order (see
 * docs/api/payments.md). Orders say which provider takes their payment (existing ones: manual),
 * and `payment_status` gains `failed` and `partially_refunded` (hence 20 characters).
 */
export class Payments1764141520000 implements MigrationInterface {
  name = 'Payments1764141520000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE orders ALTER COLUMN payment_status TYPE varchar(20)`);
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_payment_status_check`);
    await q.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_payment_status_check
        CHECK (payment_status IN ('pending', 'paid', 'failed', 'partially_refunded', 'refunded', 'voided'))`);
    await q.query(
      `ALTER TABLE orders ADD COLUMN payment_provider varchar(32) NOT NULL DEFAULT 'manual'`,
    );
    // The unpaid-order sweep: pending orders, oldest first.
    await q.query(`CREATE INDEX orders_unpaid_idx ON orders (created_at) WHERE status = 'pending'`);
    await q.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL UNIQUE REFERENCES orders (id) ON DELETE CASCADE,
        provider varchar(32) NOT NULL,
        provider_reference varchar(255),
        amount integer NOT NULL CHECK (amount >= 0),
        currency char(3) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CONSTRAINT payments_status_check
          CHECK (status IN ('pending', 'succeeded', 'failed', 'canceled')),
        amount_received integer NOT NULL DEFAULT 0 CHECK (amount_received >= 0),
        amount_refunded integer NOT NULL DEFAULT 0 CHECK (amount_refunded >= 0),
        failure_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT payments_refund_within_received CHECK (amount_refunded <= amount_received)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX payments_provider_reference_key ON payments (provider, provider_reference)`,
    );
    await q.query(`
      CREATE TABLE refunds (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        payment_id uuid NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        amount integer NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL,
        status varchar(16) NOT NULL CONSTRAINT refunds_status_check
          CHECK (status IN ('pending', 'succeeded', 'failed')),
        reason varchar(500),
        provider_reference varchar(255),
        created_by uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX refunds_order_idx ON refunds (order_id, created_at)`);
    await q.query(
      `CREATE UNIQUE INDEX refunds_provider_reference_key ON refunds (payment_id, provider_reference)`,
    );
    await q.query(`
      CREATE TABLE processed_provider_events (
        provider varchar(32) NOT NULL,
        event_id varchar(255) NOT NULL,
        type varchar(100) NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (provider, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE processed_provider_events`);
    await q.query(`DROP TABLE refunds`);
    await q.query(`DROP TABLE payments`);
    await q.query(`DROP INDEX orders_unpaid_idx`);
    await q.query(`ALTER TABLE orders DROP COLUMN payment_provider`);
    // Statuses the old column cannot hold fall back to the nearest old one.
    await q.query(`UPDATE orders SET payment_status = 'pending' WHERE payment_status = 'failed'`);
    await q.query(
      `UPDATE orders SET payment_status = 'paid' WHERE payment_status = 'partially_refunded'`,
    );
    await q.query(`ALTER TABLE orders DROP CONSTRAINT orders_payment_status_check`);
    await q.query(`
      ALTER TABLE orders ADD CONSTRAINT orders_payment_status_check
        CHECK (payment_status IN ('pending', 'paid', 'refunded', 'voided'))`);
    await q.query(`ALTER TABLE orders ALTER COLUMN payment_status TYPE varchar(16)`);
  }
}
