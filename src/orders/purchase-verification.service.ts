import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Answers whether a customer really bought something, for features that reward or require it
 * (verified reviews). Reads orders only; other modules get this service, never the repositories.
 */
@Injectable()
export class PurchaseVerificationService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /** True when one of the user's orders containing the product was delivered. */
  async hasReceivedProduct(
    userId: string,
    productId: string,
    manager: EntityManager = this.db.manager,
  ): Promise<boolean> {
    const [row] = await manager.query<Array<{ received: boolean }>>(
      `SELECT EXISTS (
         SELECT 1 FROM orders o JOIN order_items i ON i.order_id = o.id
          WHERE o.user_id = $1 AND o.status = 'delivered' AND i.product_id = $2
       ) AS received`,
      [userId, productId],
    );
    return row?.received === true;
  }
}
