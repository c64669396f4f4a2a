import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Catalog1764140100000 implements MigrationInterface {
  name = 'Catalog1764140100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE categories (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(120) NOT NULL,
        slug varchar(140) NOT NULL CONSTRAINT categories_slug_key UNIQUE,
        description text,
        image_url varchar(2048),
        parent_id uuid REFERENCES categories (id) ON DELETE RESTRICT,
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX categories_name_idx ON categories (name) WHERE is_active`);
    await q.query(`CREATE INDEX categories_parent_id_idx ON categories (parent_id)`);
    await q.query(`
      CREATE TABLE brands (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(120) NOT NULL,
        slug varchar(140) NOT NULL CONSTRAINT brands_slug_key UNIQUE,
        description text,
        logo_url varchar(2048),
        website varchar(2048),
        is_active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX brands_name_idx ON brands (name) WHERE is_active`);
    await q.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(200) NOT NULL,
        slug varchar(220) NOT NULL CONSTRAINT products_slug_key UNIQUE,
        sku varchar(64) NOT NULL,
        barcode varchar(64),
        description text NOT NULL DEFAULT '',
        short_description varchar(500) NOT NULL DEFAULT '',
        price integer NOT NULL CONSTRAINT products_price_check CHECK (price >= 0),
        compare_at_price integer CONSTRAINT products_compare_at_price_check CHECK (compare_at_price >= 0),
        cost_price integer CONSTRAINT products_cost_price_check CHECK (cost_price >= 0),
        currency char(3) NOT NULL,
        stock integer NOT NULL DEFAULT 0 CONSTRAINT products_stock_check CHECK (stock >= 0),
        low_stock_threshold integer NOT NULL DEFAULT 5 CHECK (low_stock_threshold >= 0),
        weight_grams integer CHECK (weight_grams >= 0),
        length_mm integer CHECK (length_mm >= 0),
        width_mm integer CHECK (width_mm >= 0),
        height_mm integer CHECK (height_mm >= 0),
        seo_title varchar(200),
        seo_description varchar(500),
        is_digital boolean NOT NULL DEFAULT false,
        requires_shipping boolean NOT NULL DEFAULT true,
        is_active boolean NOT NULL DEFAULT true,
        is_featured boolean NOT NULL DEFAULT false,
        images jsonb NOT NULL DEFAULT '[]'::jsonb,
        category_id uuid NOT NULL REFERENCES categories (id) ON DELETE RESTRICT,
        brand_id uuid REFERENCES brands (id) ON DELETE RESTRICT,
        -- millisecond precision: keyset cursors carry it through JavaScript Dates exactly
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        search tsvector GENERATED ALWAYS AS (
          setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
          setweight(to_tsvector('simple', coalesce(sku, '')), 'A') ||
          setweight(to_tsvector('english', coalesce(short_description, '')), 'B') ||
          setweight(to_tsvector('english', coalesce(description, '')), 'C')
        ) STORED
      )`);
    // SKUs are unique regardless of case.
    await q.query(`CREATE UNIQUE INDEX products_sku_lower_key ON products (lower(sku))`);
    await q.query(`CREATE INDEX products_search_idx ON products USING gin (search)`);
    // Public lists filter is_active and sort by one of these keys (id breaks ties: keyset pages).
    await q.query(
      `CREATE INDEX products_active_created_idx ON products (created_at DESC, id DESC) WHERE is_active`,
    );
    await q.query(`CREATE INDEX products_active_price_idx ON products (price, id) WHERE is_active`);
    await q.query(`CREATE INDEX products_active_name_idx ON products (name, id) WHERE is_active`);
    await q.query(
      `CREATE INDEX products_active_category_idx ON products (category_id, created_at DESC, id DESC) WHERE is_active`,
    );
    await q.query(
      `CREATE INDEX products_active_category_price_idx ON products (category_id, price, id) WHERE is_active`,
    );
    await q.query(
      `CREATE INDEX products_active_brand_idx ON products (brand_id, created_at DESC, id DESC) WHERE is_active`,
    );
    await q.query(
      `CREATE INDEX products_featured_idx ON products (created_at DESC, id DESC) WHERE is_active AND is_featured`,
    );
    // Staff lists (all products) and the foreign keys.
    await q.query(`CREATE INDEX products_created_idx ON products (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX products_category_id_idx ON products (category_id)`);
    await q.query(`CREATE INDEX products_brand_id_idx ON products (brand_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE products`);
    await q.query(`DROP TABLE brands`);
    await q.query(`DROP TABLE categories`);
  }
}
