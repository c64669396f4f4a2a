import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { ProductsService } from '@/catalog/products.service.js';
import { StockService } from '@/catalog/stock.service.js';
import { found, NotFoundError } from '@/common/domain-error.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { CartItem } from './cart-item.entity.js';
import { type CartDto, type CartItemIssue, MAX_LINE_QUANTITY } from './dto/cart.dto.js';
import {
  CartLineLimitError,
  InsufficientStockError,
  ProductUnavailableError,
} from './orders.errors.js';

/** One cart per user; lines show current prices. Stock is checked here, guaranteed at checkout. */
@Injectable()
export class CartService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly products: ProductsService,
    private readonly stock: StockService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** The user's cart id, creating the cart on first use (race-free upsert). */
  async cartIdOf(userId: string, manager: EntityManager = this.db.manager): Promise<string> {
    const [row] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO carts (user_id) VALUES ($1)
       ON CONFLICT (user_id) DO UPDATE SET updated_at = now()
       RETURNING id`,
      [userId],
    );
    return found(row, 'Cart').id;
  }

  async view(userId: string): Promise<CartDto> {
    const cartId = await this.cartIdOf(userId);
    const lines = await this.db.manager.find(CartItem, {
      where: { cartId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const products = await this.products.findByIds(lines.map((l) => l.productId));
    const items = lines.flatMap((line) => {
      const product = products.get(line.productId);
      if (!product) return [];
      const issue: CartItemIssue | null = !product.isActive
        ? 'unavailable'
        : product.stock < line.quantity
          ? 'insufficient_stock'
          : null;
      return [
        {
          id: line.id,
          product,
          quantity: line.quantity,
          lineTotal: product.price * line.quantity,
          issue,
        },
      ];
    });
    return {
      id: cartId,
      items,
      itemCount: items.reduce((sum, i) => sum + i.quantity, 0),
      subtotal: items.reduce((sum, i) => sum + i.lineTotal, 0),
      currency: this.config.currency,
    };
  }

  /** Adds `quantity` to the product's line (creating it); the line may not exceed the stock. */
  async add(userId: string, productId: string, quantity: number): Promise<CartDto> {
    await this.db.transaction(async (manager) => {
      const cartId = await this.cartIdOf(userId, manager);
      const product = (await this.stock.peek(manager, [productId])).get(productId);
      if (!product) throw new NotFoundError('Product');
      if (!product.isActive) throw new ProductUnavailableError([productId]);
      const [line] = await manager
        .query<Array<{ quantity: number }>>(
          `INSERT INTO cart_items (cart_id, product_id, quantity) VALUES ($1, $2, LEAST($3::int, 1000))
         ON CONFLICT (cart_id, product_id)
         DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, 1000), updated_at = now()
         RETURNING quantity`,
          [cartId, productId, quantity],
        )
        .catch((error: unknown) => {
          // 1000 breaks the CHECK (1–999): the sum went over the per-line limit.
          if ((error as { code?: string }).code === '23514')
            throw new CartLineLimitError(MAX_LINE_QUANTITY);
          throw error;
        });
      this.assertStock(productId, found(line, 'Cart line').quantity, product.stock);
    });
    return this.view(userId);
  }

  async update(userId: string, itemId: string, quantity: number): Promise<CartDto> {
    await this.db.transaction(async (manager) => {
      const line = await this.ownLine(manager, userId, itemId);
      const product = (await this.stock.peek(manager, [line.productId])).get(line.productId);
      if (!product?.isActive) throw new ProductUnavailableError([line.productId]);
      this.assertStock(line.productId, quantity, product.stock);
      await manager.update(CartItem, { id: line.id }, { quantity });
    });
    return this.view(userId);
  }

  async remove(userId: string, itemId: string): Promise<void> {
    const line = await this.ownLine(this.db.manager, userId, itemId);
    await this.db.manager.delete(CartItem, { id: line.id });
  }

  async clear(userId: string): Promise<void> {
    await this.db.query(
      `DELETE FROM cart_items WHERE cart_id = (SELECT id FROM carts WHERE user_id = $1)`,
      [userId],
    );
  }

  /** A line of this user's cart; another user's line is "not found" (never "forbidden"). */
  private async ownLine(manager: EntityManager, userId: string, itemId: string): Promise<CartItem> {
    const line = await manager
      .createQueryBuilder(CartItem, 'i')
      .innerJoin('i.cart', 'c', 'c.userId = :userId', { userId })
      .where('i.id = :itemId', { itemId })
      .getOne();
    return found(line, 'Cart item');
  }

  private assertStock(productId: string, wanted: number, stock: number): void {
    if (wanted > MAX_LINE_QUANTITY) throw new CartLineLimitError(MAX_LINE_QUANTITY);
    if (wanted > stock) {
      throw new InsufficientStockError(
        { productId, available: stock },
        stock === 0 ? 'This product is out of stock' : `Only ${stock} in stock for this line`,
      );
    }
  }
}
