import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Splits text into words the way the API splits `q` (runs of letters and digits). */
function words(expression: string): string {
  return `regexp_replace(${expression}, '[^[:alnum:]]+', ' ', 'g')`;
}

/** Each text field once through the English stemmer, once as plain words (see the class doc). */
const SEARCH_VECTOR = `
  setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
  setweight(to_tsvector('simple', ${words("coalesce(name, '') || ' ' || coalesce(sku, '')")}), 'A') ||
  setweight(to_tsvector('english', coalesce(short_description, '')), 'B') ||
  setweight(to_tsvector('simple', ${words("coalesce(short_description, '')")}), 'B') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'C') ||
  setweight(to_tsvector('simple', ${words("coalesce(description, '')")}), 'C')`;

/** The Catalog migration's vector, for `down`. */
const STEMMED_ONLY_VECTOR = `
  setweight(to_tsvector('english', coalesce(name, '')), 'A') ||
  setweight(to_tsvector('simple', coalesce(sku, '')), 'A') ||
  setweight(to_tsvector('english', coalesce(short_description, '')), 'B') ||
  setweight(to_tsvector('english', coalesce(description, '')), 'C')`;

/**
 * Prefix search on unstemmed words. The search vector held only stemmed words (`running` →
 * `run`), so a prefix typed by a client that is longer than the stem (`runn`) matched nothing;
 * and SKUs went through the default parser whole, which reads `DEMO-000001` as `demo` and the
 * signed number `-000001`, so an SKU typed as it is printed matched nothing either. The vector
 * now also holds every field's plain words (SKU and name split on punctuation like `q` is), and
 * queries match either form (`products.service.ts`).
 */
export class ProductSearchPrefix1764140150000 implements MigrationInterface {
  name = 'ProductSearchPrefix1764140150000';

  async up(q: QueryRunner): Promise<void> {
    await this.replaceSearch(q, SEARCH_VECTOR);
  }

  async down(q: QueryRunner): Promise<void> {
    await this.replaceSearch(q, STEMMED_ONLY_VECTOR);
  }

  private async replaceSearch(q: QueryRunner, vector: string): Promise<void> {
    // Dropping the column drops products_search_idx with it.
    await q.query(`ALTER TABLE products DROP COLUMN search`);
    await q.query(
      `ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (${vector}) STORED`,
    );
    await q.query(`CREATE INDEX products_search_idx ON products USING gin (search)`);
  }
}
