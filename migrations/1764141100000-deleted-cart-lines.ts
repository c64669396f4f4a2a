import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A product (or variant) deleted while it sits in carts no longer takes those lines with it:
 * they stay, with no product, the deleted name in `removed_name`, and block checkout (409
 * `PRODUCT_UNAVAILABLE`) until the customer removes them. Before, the foreign keys' cascade
 * dropped them silently, so a customer could check out a smaller cart than the one they saw.
 *
 * Triggers rather than code in the delete paths: every delete (the API, SQL by hand, a product's
 * variants going with it) is covered. A BEFORE DELETE trigger detaches the lines before the
 * foreign key's cascade looks for them.
 */
export class DeletedCartLines1764141100000 implements MigrationInterface {
  name = 'DeletedCartLines1764141100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE cart_items ALTER COLUMN product_id DROP NOT NULL,
        ADD COLUMN removed_name varchar(500),
        ADD CONSTRAINT cart_items_product_or_removed_check
          CHECK ((product_id IS NULL) = (removed_name IS NOT NULL))`);
    // Detached lines have no product: uniqueness is for the live ones.
    await q.query(`ALTER TABLE cart_items DROP CONSTRAINT cart_items_cart_product_variant_key`);
    await q.query(`
      CREATE UNIQUE INDEX cart_items_cart_product_variant_key
        ON cart_items (cart_id, product_id, variant_id) NULLS NOT DISTINCT
        WHERE product_id IS NOT NULL`);
    await q.query(`
      CREATE FUNCTION cart_items_detach_deleted_product() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE cart_items i
           SET removed_name = left(OLD.name || coalesce(
                 (SELECT ' – ' || v.name FROM product_variants v WHERE v.id = i.variant_id), ''), 500),
               product_id = NULL, variant_id = NULL, updated_at = now()
         WHERE i.product_id = OLD.id;
        RETURN OLD;
      END $$`);
    await q.query(`
      CREATE TRIGGER cart_items_detach_deleted_product BEFORE DELETE ON products
        FOR EACH ROW EXECUTE FUNCTION cart_items_detach_deleted_product()`);
    await q.query(`
      CREATE FUNCTION cart_items_detach_deleted_variant() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE cart_items i
           SET removed_name = left(coalesce(
                 (SELECT p.name || ' – ' FROM products p WHERE p.id = OLD.product_id), '') || OLD.name, 500),
               product_id = NULL, variant_id = NULL, updated_at = now()
         WHERE i.variant_id = OLD.id;
        RETURN OLD;
      END $$`);
    await q.query(`
      CREATE TRIGGER cart_items_detach_deleted_variant BEFORE DELETE ON product_variants
        FOR EACH ROW EXECUTE FUNCTION cart_items_detach_deleted_variant()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER cart_items_detach_deleted_variant ON product_variants`);
    await q.query(`DROP FUNCTION cart_items_detach_deleted_variant()`);
    await q.query(`DROP TRIGGER cart_items_detach_deleted_product ON products`);
    await q.query(`DROP FUNCTION cart_items_detach_deleted_product()`);
    await q.query(`DELETE FROM cart_items WHERE product_id IS NULL`);
    await q.query(`DROP INDEX cart_items_cart_product_variant_key`);
    await q.query(`
      ALTER TABLE cart_items ADD CONSTRAINT cart_items_cart_product_variant_key
        UNIQUE NULLS NOT DISTINCT (cart_id, product_id, variant_id)`);
    await q.query(`
      ALTER TABLE cart_items DROP CONSTRAINT cart_items_product_or_removed_check,
        DROP COLUMN removed_name,
        ALTER COLUMN product_id SET NOT NULL`);
  }
}
