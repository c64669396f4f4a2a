import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Splits text into words the way the API splits `q` (runs of letters and digits). */
function words(expression: string): string {
  return `regexp_replace(${expression}, '[^[:alnum:]]+', ' ', 'g')`;
}

/** Name and SKU, stemmed and as plain words: what search results are ranked by. */
const TITLE_VECTOR = `
  setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
  setweight(to_tsvector('simple', ${words("coalesce(name, '') || ' ' || coalesce(sku, '')")}), 'A')`;

/** Every text field, stemmed and as plain words: what `q` matches (ProductSearchPrefix's vector). */
const DOCUMENT_VECTOR = `${TITLE_VECTOR} ||
  setweight(to_tsvector('english', coalesce(short_description, '')), 'B') ||
  setweight(to_tsvector('simple', ${words("coalesce(short_description, '')")}), 'B') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'C') ||
  setweight(to_tsvector('simple', ${words("coalesce(description, '')")}), 'C')`;

const SEARCHED_COLUMNS = ['name', 'sku', 'short_description', 'description', 'is_active'];

/**
 * Full-text search moves out of `products` into a table of its own. The search vector was half
 * of every product row (about 510 of 1,070 bytes), so every scan of products read it; and a
 * search for a common word (12 % of a 100,000-product catalog) read the whole 110 MB table
 * twice, once to count and once to rank: about 220 ms of work, 900 ms at p95 under load.
 *
 * `product_search` holds, per product: `is_active`, the `title` vector (name and SKU) results
 * are ranked by, and the full `document` vector `q` matches through its GIN index. A search
 * with no other filter counts and ranks there alone (a bitmap scan of its matches: about 12 ms
 * each on that catalog) and reads only the page's products; `products` is half as wide.
 * Triggers keep it in step with `products`: one statement-level insert per insert statement
 * (a bulk seed stays one statement), a row update when a searched column changes (a stock
 * change fires nothing), a cascade on delete.
 */
export class ProductSearchTable1764141000000 implements MigrationInterface {
  name = 'ProductSearchTable1764141000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE FUNCTION product_search_title(name text, sku text) RETURNS tsvector
        LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ${TITLE_VECTOR} $$`);
    await q.query(`
      CREATE FUNCTION product_search_document(
        name text, sku text, short_description text, description text
      ) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$ SELECT ${DOCUMENT_VECTOR} $$`);
    await q.query(`
      CREATE TABLE product_search (
        product_id uuid PRIMARY KEY REFERENCES products (id) ON DELETE CASCADE,
        is_active boolean NOT NULL,
        title tsvector NOT NULL,
        document tsvector NOT NULL
      )`);
    await q.query(`
      CREATE FUNCTION product_search_insert() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO product_search (product_id, is_active, title, document)
        SELECT id, is_active, product_search_title(name, sku),
               product_search_document(name, sku, short_description, description)
          FROM inserted_products;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER products_search_insert AFTER INSERT ON products
        REFERENCING NEW TABLE AS inserted_products
        FOR EACH STATEMENT EXECUTE FUNCTION product_search_insert()`);
    await q.query(`
      CREATE FUNCTION product_search_update() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE product_search
           SET is_active = NEW.is_active,
               title = product_search_title(NEW.name, NEW.sku),
               document = product_search_document(NEW.name, NEW.sku, NEW.short_description, NEW.description)
         WHERE product_id = NEW.id;
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE TRIGGER products_search_update
        AFTER UPDATE OF ${SEARCHED_COLUMNS.join(', ')} ON products
        FOR EACH ROW
        WHEN (${SEARCHED_COLUMNS.map((c) => `OLD.${c} IS DISTINCT FROM NEW.${c}`).join(' OR ')})
        EXECUTE FUNCTION product_search_update()`);
    await q.query(`
      INSERT INTO product_search (product_id, is_active, title, document)
      SELECT id, is_active, product_search_title(name, sku),
             product_search_document(name, sku, short_description, description)
        FROM products`);
    await q.query(
      `CREATE INDEX product_search_document_idx ON product_search USING gin (document)`,
    );
    // Dropping the column drops products_search_idx with it.
    await q.query(`ALTER TABLE products DROP COLUMN search`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE products ADD COLUMN search tsvector
        GENERATED ALWAYS AS (${DOCUMENT_VECTOR}) STORED`);
    await q.query(`CREATE INDEX products_search_idx ON products USING gin (search)`);
    await q.query(`DROP TRIGGER products_search_update ON products`);
    await q.query(`DROP TRIGGER products_search_insert ON products`);
    await q.query(`DROP FUNCTION product_search_update()`);
    await q.query(`DROP FUNCTION product_search_insert()`);
    await q.query(`DROP TABLE product_search`);
    await q.query(`DROP FUNCTION product_search_document(text, text, text, text)`);
    await q.query(`DROP FUNCTION product_search_title(text, text)`);
  }
}
