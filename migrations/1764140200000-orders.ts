import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Orders1764140200000 implements MigrationInterface {
  name = 'Orders1764140200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE carts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL CONSTRAINT carts_user_id_key UNIQUE REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE cart_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        -- a deleted product leaves the cart
        product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        quantity integer NOT NULL CONSTRAINT cart_items_quantity_check CHECK (quantity BETWEEN 1 AND 999),
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT cart_items_cart_product_key UNIQUE (cart_id, product_id)
      )`);
    await q.query(`CREATE INDEX cart_items_product_id_idx ON cart_items (product_id)`);
    // Short, unique, increasing, human-readable order numbers.
    await q.query(`CREATE SEQUENCE order_number_seq START WITH 100001`);
    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        number bigint NOT NULL DEFAULT nextval('order_number_seq') CONSTRAINT orders_number_key UNIQUE,
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
        status varchar(16) NOT NULL DEFAULT 'pending' CONSTRAINT orders_status_check
          CHECK (status IN ('pending', 'confirmed', 'processing', 'shipped', 'delivered', 'refunded', 'cancelled')),
        payment_status varchar(16) NOT NULL DEFAULT 'pending' CONSTRAINT orders_payment_status_check
          CHECK (payment_status IN ('pending', 'paid', 'refunded', 'voided')),
        subtotal integer NOT NULL CHECK (subtotal >= 0),
        shipping_amount integer NOT NULL CHECK (shipping_amount >= 0),
        tax_amount integer NOT NULL CHECK (tax_amount >= 0),
        discount_amount integer NOT NULL DEFAULT 0 CHECK (discount_amount >= 0),
        total integer NOT NULL CONSTRAINT orders_total_check
          CHECK (total = subtotal + shipping_amount + tax_amount - discount_amount AND total >= 0),
        currency char(3) NOT NULL,
        shipping_address jsonb NOT NULL,
        billing_address jsonb NOT NULL,
        notes text,
        tracking_number varchar(100),
        version integer NOT NULL DEFAULT 1,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC)`,
    );
    await q.query(`CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX orders_status_created_idx ON orders (status, created_at DESC)`);
    await q.query(`
      CREATE TABLE order_items (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        -- no foreign key: the line is a snapshot and outlives the product
        product_id uuid NOT NULL,
        sku varchar(64) NOT NULL,
        name varchar(200) NOT NULL,
        unit_price integer NOT NULL CHECK (unit_price >= 0),
        quantity integer NOT NULL CHECK (quantity > 0),
        line_total integer NOT NULL,
        position smallint NOT NULL,
        CONSTRAINT order_items_line_total_check CHECK (line_total = unit_price * quantity)
      )`);
    await q.query(`CREATE INDEX order_items_order_id_idx ON order_items (order_id, position)`);
    await q.query(`CREATE INDEX order_items_product_id_idx ON order_items (product_id)`);
    await q.query(`
      CREATE TABLE order_status_history (
        id bigserial PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
        from_status varchar(16),
        to_status varchar(16) NOT NULL,
        by_user_id uuid,
        note text,
        at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(
      `CREATE INDEX order_status_history_order_idx ON order_status_history (order_id, id)`,
    );
    await q.query(`
      CREATE TABLE idempotency_keys (
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        response_status smallint,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE idempotency_keys`);
    await q.query(`DROP TABLE order_status_history`);
    await q.query(`DROP TABLE order_items`);
    await q.query(`DROP TABLE orders`);
    await q.query(`DROP SEQUENCE order_number_seq`);
    await q.query(`DROP TABLE cart_items`);
    await q.query(`DROP TABLE carts`);
  }
}
