import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StockService } from '@/catalog/index.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import { CartService, hashCartToken } from './cart.service.js';
import { MAX_LINE_QUANTITY } from './dto/cart.dto.js';

/**
 * A guest cart joining the user's cart when its holder signs in or registers. Both cart rows
 * are locked (the guest's, then the user's) as every cart write and checkout lock them: a
 * checkout running meanwhile orders the cart without the merged lines, which then land in the
 * emptied cart.
 */
@Injectable()
export class GuestCartMergeService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly carts: CartService,
    private readonly stock: StockService,
  ) {}

  /**
   * Merges the guest cart of `token` into the user's cart, in one transaction: quantities are
   * summed and capped by the stock (and the line limit), never lowering what the user already
   * had; inactive or sold-out products are left out; the guest cart is then deleted. An unknown
   * or expired token merges nothing. Concurrent claims of one token merge it once (row lock).
   */
  async claim(userId: string, token: string): Promise<void> {
    await withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        const [guest] = await manager.query<Array<{ id: string }>>(
          `SELECT id FROM carts WHERE guest_token_hash = $1 AND expires_at > now() FOR UPDATE`,
          [hashCartToken(token)],
        );
        if (!guest) return;
        const userCartId = await this.carts.cartIdOf(userId, manager);
        const lines = await manager.query<
          Array<{
            product_id: string;
            variant_id: string | null;
            guest: number;
            mine: number | null;
          }>
        >(
          `SELECT g.product_id, g.variant_id, g.quantity AS guest, u.quantity AS mine
             FROM cart_items g
             LEFT JOIN cart_items u ON u.cart_id = $2 AND u.product_id = g.product_id
                                   AND u.variant_id IS NOT DISTINCT FROM g.variant_id
            WHERE g.cart_id = $1 AND g.product_id IS NOT NULL`,
          [guest.id, userCartId],
        );
        const products = await this.stock.peek(
          manager,
          lines.map((l) => l.product_id),
        );
        const variants = await this.stock.peekVariants(
          manager,
          lines.flatMap((l) => (l.variant_id ? [l.variant_id] : [])),
        );
        const merged = lines.flatMap((l) => {
          const product = products.get(l.product_id);
          if (!product?.isActive) return [];
          // A variant line merges while its variant is active; a plain line while the product
          // has no variants.
          const variant = l.variant_id ? variants.get(l.variant_id) : undefined;
          if (l.variant_id ? !variant?.isActive : product.hasVariants) return [];
          const stock = variant ? variant.stock : product.stock;
          const mine = l.mine ?? 0;
          const capped = Math.min(mine + l.guest, stock, MAX_LINE_QUANTITY);
          return capped > mine
            ? [{ productId: l.product_id, variantId: l.variant_id, quantity: capped }]
            : [];
        });
        if (merged.length > 0) {
          await manager.query(
            `INSERT INTO cart_items (cart_id, product_id, variant_id, quantity)
             SELECT $1, v.product_id, v.variant_id, v.quantity
               FROM unnest($2::uuid[], $3::uuid[], $4::int[]) AS v(product_id, variant_id, quantity)
             ON CONFLICT (cart_id, product_id, variant_id) WHERE product_id IS NOT NULL
             DO UPDATE SET quantity = EXCLUDED.quantity, updated_at = now()`,
            [
              userCartId,
              merged.map((m) => m.productId),
              merged.map((m) => m.variantId),
              merged.map((m) => m.quantity),
            ],
          );
        }
        await manager.query(`DELETE FROM carts WHERE id = $1`, [guest.id]);
      }),
    );
  }
}
