import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The staff order list's payment-status filter, newest first (`listOrders?paymentStatus=`).
 * The date-range filter needs no index of its own: `orders_created_idx (created_at DESC, id
 * DESC)` serves it, and `orders_user_created_idx` / `orders_status_created_idx` serve it combined
 * with a customer or a status. Without this one, a rare payment status (`refunded`) would be
 * found by walking every order newest first.
 */
export class OrderAdminIndexes1764140700000 implements MigrationInterface {
  name = 'OrderAdminIndexes1764140700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX orders_payment_status_created_idx ON orders (payment_status, created_at DESC, id DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX orders_payment_status_created_idx`);
  }
}
