import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Product variants described by attribute values (Color=Red, Size=L).
 *
 * - One value per attribute per variant (primary key), and a value always belongs to the
 *   attribute it is filed under (composite foreign key); a value in use cannot be deleted.
 * - One variant per combination of values per product (`combination_key`, the sorted value ids).
 * - SKUs are unique across products and variants, regardless of case: `catalog_skus` holds the
 *   lower-cased SKU of every product and variant, kept by triggers, under a primary key.
 * - A product with active variants has `stock` = the sum of its active variants' stock and
 *   `active_variant_count` > 0, kept by a trigger with delta updates (safe under concurrency);
 *   the product's own stock is replaced by the sum when it gets its first active variant.
 * - A cart line names a variant of its product (composite foreign key; the line goes with the
 *   variant), one line per (cart, product, variant) with NULL variants equal (NULLS NOT
 *   DISTINCT, so a product without variants still has one line per cart).
 * - An order line keeps the variant's id and name as a snapshot (no foreign key: it outlives it).
 */
export class Variants1764140800000 implements MigrationInterface {
  name = 'Variants1764140800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attributes (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(60) NOT NULL,
        slug varchar(80) NOT NULL CONSTRAINT attributes_slug_key UNIQUE,
        position integer NOT NULL DEFAULT 0 CONSTRAINT attributes_position_check CHECK (position BETWEEN 0 AND 10000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX attributes_name_lower_key ON attributes (lower(name))`);
    await q.query(`
      CREATE TABLE attribute_values (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        attribute_id uuid NOT NULL REFERENCES attributes (id) ON DELETE CASCADE,
        value varchar(100) NOT NULL,
        slug varchar(120) NOT NULL,
        position integer NOT NULL DEFAULT 0 CONSTRAINT attribute_values_position_check CHECK (position BETWEEN 0 AND 10000),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- the list filter finds a value by (attribute, slug)
        CONSTRAINT attribute_values_attribute_slug_key UNIQUE (attribute_id, slug),
        -- the target of product_variant_values' composite foreign key
        CONSTRAINT attribute_values_id_attribute_key UNIQUE (id, attribute_id)
      )`);
    await q.query(
      `CREATE UNIQUE INDEX attribute_values_value_lower_key ON attribute_values (attribute_id, lower(value))`,
    );
    await q.query(`
      CREATE TABLE product_variants (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
        name varchar(200) NOT NULL,
        sku varchar(64) NOT NULL,
        price integer NOT NULL CONSTRAINT product_variants_price_check CHECK (price >= 0),
        stock integer NOT NULL DEFAULT 0 CONSTRAINT product_variants_stock_check CHECK (stock >= 0),
        is_active boolean NOT NULL DEFAULT true,
        position integer NOT NULL DEFAULT 0 CONSTRAINT product_variants_position_check CHECK (position BETWEEN 0 AND 10000),
        combination_key text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Also the index of "the variants of a product" (its leading column).
    await q.query(
      `CREATE UNIQUE INDEX product_variants_combination_key ON product_variants (product_id, combination_key)`,
    );
    await q.query(`
      CREATE TABLE product_variant_values (
        variant_id uuid NOT NULL REFERENCES product_variants (id) ON DELETE CASCADE,
        attribute_id uuid NOT NULL,
        attribute_value_id uuid NOT NULL,
        CONSTRAINT product_variant_values_pkey PRIMARY KEY (variant_id, attribute_id),
        CONSTRAINT product_variant_values_value_fkey FOREIGN KEY (attribute_value_id, attribute_id)
          REFERENCES attribute_values (id, attribute_id) ON DELETE RESTRICT
      )`);
    // The attribute filter of the product lists: value → variants.
    await q.query(
      `CREATE INDEX product_variant_values_value_idx ON product_variant_values (attribute_value_id, variant_id)`,
    );

    // SKUs unique across products and variants.
    await q.query(`
      CREATE TABLE catalog_skus (
        sku_key varchar(64) CONSTRAINT catalog_skus_pkey PRIMARY KEY,
        product_id uuid,
        variant_id uuid,
        CONSTRAINT catalog_skus_owner_check CHECK (num_nonnulls(product_id, variant_id) = 1)
      )`);
    await q.query(
      `INSERT INTO catalog_skus (sku_key, product_id) SELECT lower(sku), id FROM products`,
    );
    await q.query(`
      CREATE FUNCTION catalog_skus_sync() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
          DELETE FROM catalog_skus
           WHERE sku_key = lower(OLD.sku) AND (product_id = OLD.id OR variant_id = OLD.id);
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          IF TG_TABLE_NAME = 'products' THEN
            INSERT INTO catalog_skus (sku_key, product_id) VALUES (lower(NEW.sku), NEW.id);
          ELSE
            INSERT INTO catalog_skus (sku_key, variant_id) VALUES (lower(NEW.sku), NEW.id);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['products', 'product_variants']) {
      await q.query(`
        CREATE TRIGGER ${table}_sku_sync AFTER INSERT OR DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION catalog_skus_sync()`);
      await q.query(`
        CREATE TRIGGER ${table}_sku_change AFTER UPDATE OF sku ON ${table}
          FOR EACH ROW WHEN (lower(OLD.sku) IS DISTINCT FROM lower(NEW.sku))
          EXECUTE FUNCTION catalog_skus_sync()`);
    }

    // A product's stock and active variant count follow its active variants.
    await q.query(`
      ALTER TABLE products ADD COLUMN active_variant_count integer NOT NULL DEFAULT 0
        CONSTRAINT products_active_variant_count_check CHECK (active_variant_count >= 0)`);
    await q.query(`
      CREATE FUNCTION product_variants_roll_up() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        d_stock integer := 0;
        d_count integer := 0;
      BEGIN
        IF TG_OP = 'UPDATE' AND NEW.product_id <> OLD.product_id THEN
          RAISE EXCEPTION 'a variant cannot move to another product' USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.is_active THEN
          d_stock := d_stock - OLD.stock;
          d_count := d_count - 1;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.is_active THEN
          d_stock := d_stock + NEW.stock;
          d_count := d_count + 1;
        END IF;
        IF d_stock <> 0 OR d_count <> 0 THEN
          UPDATE products
             SET stock = CASE WHEN active_variant_count = 0 THEN 0 ELSE stock END + d_stock,
                 active_variant_count = active_variant_count + d_count
           WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.product_id ELSE NEW.product_id END;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER product_variants_roll_up
        AFTER INSERT OR DELETE OR UPDATE OF stock, is_active, product_id ON product_variants
        FOR EACH ROW EXECUTE FUNCTION product_variants_roll_up()`);

    // Cart and order lines of variants.
    await q.query(
      `ALTER TABLE product_variants ADD CONSTRAINT product_variants_id_product_key UNIQUE (id, product_id)`,
    );
    await q.query(`
      ALTER TABLE cart_items ADD COLUMN variant_id uuid,
        ADD CONSTRAINT cart_items_variant_fkey FOREIGN KEY (variant_id, product_id)
          REFERENCES product_variants (id, product_id) ON DELETE CASCADE`);
    await q.query(`ALTER TABLE cart_items DROP CONSTRAINT cart_items_cart_product_key`);
    await q.query(`
      ALTER TABLE cart_items ADD CONSTRAINT cart_items_cart_product_variant_key
        UNIQUE NULLS NOT DISTINCT (cart_id, product_id, variant_id)`);
    await q.query(
      `CREATE INDEX cart_items_variant_id_idx ON cart_items (variant_id) WHERE variant_id IS NOT NULL`,
    );
    await q.query(`
      ALTER TABLE order_items ADD COLUMN variant_id uuid,
        ADD COLUMN variant_name varchar(200),
        ADD CONSTRAINT order_items_variant_check CHECK ((variant_id IS NULL) = (variant_name IS NULL))`);
    await q.query(
      `CREATE INDEX order_items_variant_id_idx ON order_items (variant_id) WHERE variant_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX order_items_variant_id_idx`);
    await q.query(`ALTER TABLE order_items DROP CONSTRAINT order_items_variant_check,
      DROP COLUMN variant_name, DROP COLUMN variant_id`);
    // Variant lines cannot be told apart without their variant: they go.
    await q.query(`DELETE FROM cart_items WHERE variant_id IS NOT NULL`);
    await q.query(`ALTER TABLE cart_items DROP CONSTRAINT cart_items_cart_product_variant_key`);
    await q.query(`ALTER TABLE cart_items DROP COLUMN variant_id`);
    await q.query(
      `ALTER TABLE cart_items ADD CONSTRAINT cart_items_cart_product_key UNIQUE (cart_id, product_id)`,
    );
    await q.query(`DROP TRIGGER product_variants_roll_up ON product_variants`);
    await q.query(`DROP FUNCTION product_variants_roll_up()`);
    await q.query(`ALTER TABLE products DROP COLUMN active_variant_count`);
    for (const table of ['products', 'product_variants']) {
      await q.query(`DROP TRIGGER ${table}_sku_change ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_sku_sync ON ${table}`);
    }
    await q.query(`DROP FUNCTION catalog_skus_sync()`);
    await q.query(`DROP TABLE catalog_skus`);
    await q.query(`DROP TABLE product_variant_values`);
    await q.query(`DROP TABLE product_variants`);
    await q.query(`DROP TABLE attribute_values`);
    await q.query(`DROP TABLE attributes`);
  }
}
