import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { CatalogNamespace } from './catalog-cache.keys.js';
import { CatalogCache } from './catalog-cache.service.js';
import { StockChanged } from './events/stock-changed.event.js';

export interface StockLine {
  productId: string;
  quantity: number;
}

/** A product as a checkout sees it, read under a row lock. */
export interface LockedProduct {
  id: string;
  slug: string;
  name: string;
  sku: string;
  price: number;
  currency: string;
  stock: number;
  isActive: boolean;
  requiresShipping: boolean;
}

interface LockedRow {
  id: string;
  slug: string;
  name: string;
  sku: string;
  price: number;
  currency: string;
  stock: number;
  is_active: boolean;
  requires_shipping: boolean;
}

/**
 * Stock moves for orders, inside the caller's transaction: rows are locked in id order (so
 * concurrent checkouts never deadlock), decrements are guarded (`stock >= qty`) and the CHECK
 * constraint `stock >= 0` is the backstop. After commit, the touched products' cached details
 * are invalidated, and the lists too when a product went in or out of stock.
 */
@Injectable()
export class StockService implements OnModuleInit {
  constructor(
    private readonly events: DomainEventBus,
    private readonly cache: CatalogCache,
  ) {}

  onModuleInit(): void {
    this.events.onAfterCommit(StockChanged, (event) => {
      const namespaces: string[] = event.productSlugs.map((slug) => CatalogNamespace.product(slug));
      if (event.inStockFlipped) namespaces.push(CatalogNamespace.products);
      return this.cache.invalidate(namespaces);
    });
  }

  /**
   * Locks the products (in id order) and returns them; unknown ids are absent. `FOR NO KEY
   * UPDATE` is enough for a stock update and, unlike `FOR UPDATE`, does not block the key-share
   * locks of foreign-key checks (customers adding the product to their carts meanwhile).
   */
  lockProducts(manager: EntityManager, productIds: string[]): Promise<Map<string, LockedProduct>> {
    return this.read(manager, productIds, true);
  }

  /** The products as they are now, without locking (carts); unknown ids are absent. */
  peek(manager: EntityManager, productIds: string[]): Promise<Map<string, LockedProduct>> {
    return this.read(manager, productIds, false);
  }

  private async read(
    manager: EntityManager,
    productIds: string[],
    lock: boolean,
  ): Promise<Map<string, LockedProduct>> {
    const ids = [...new Set(productIds)].sort();
    const rows = await manager.query<LockedRow[]>(
      `SELECT id, slug, name, sku, price, currency, stock, is_active, requires_shipping
         FROM products WHERE id = ANY($1::uuid[]) ORDER BY id${lock ? ' FOR NO KEY UPDATE' : ''}`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          slug: r.slug,
          name: r.name,
          sku: r.sku,
          price: r.price,
          currency: r.currency,
          stock: r.stock,
          isActive: r.is_active,
          requiresShipping: r.requires_shipping,
        },
      ]),
    );
  }

  /**
   * Takes stock for every line. The rows must be locked ({@link lockProducts}) and checked by
   * the caller; the guarded update still refuses to go below zero (returns false then).
   */
  async take(
    manager: EntityManager,
    lines: StockLine[],
    locked: Map<string, LockedProduct>,
  ): Promise<boolean> {
    const result = await manager.query<Array<{ id: string }>>(
      // As a CTE, so the driver answers the returned rows (a bare UPDATE answers [rows, count]).
      `WITH taken AS (
         UPDATE products p SET stock = p.stock - v.qty, updated_at = now()
           FROM unnest($1::uuid[], $2::int[]) AS v(id, qty)
          WHERE p.id = v.id AND p.stock >= v.qty
          RETURNING p.id)
       SELECT id FROM taken`,
      [lines.map((l) => l.productId), lines.map((l) => l.quantity)],
    );
    if (result.length !== lines.length) return false;
    const flipped = lines.some((l) => locked.get(l.productId)?.stock === l.quantity);
    this.record(manager, lines, locked, flipped);
    return true;
  }

  /** Gives stock back (a cancelled order); products deleted since are skipped. */
  async giveBack(manager: EntityManager, lines: StockLine[]): Promise<void> {
    const locked = await this.lockProducts(
      manager,
      lines.map((l) => l.productId),
    );
    const present = lines.filter((l) => locked.has(l.productId));
    if (present.length === 0) return;
    await manager.query(
      `UPDATE products p SET stock = p.stock + v.qty, updated_at = now()
         FROM unnest($1::uuid[], $2::int[]) AS v(id, qty)
        WHERE p.id = v.id`,
      [present.map((l) => l.productId), present.map((l) => l.quantity)],
    );
    const flipped = present.some((l) => locked.get(l.productId)?.stock === 0);
    this.record(manager, present, locked, flipped);
  }

  private record(
    manager: EntityManager,
    lines: StockLine[],
    locked: Map<string, LockedProduct>,
    flipped: boolean,
  ): void {
    const slugs = lines
      .map((l) => locked.get(l.productId)?.slug)
      .filter((s): s is string => s !== undefined);
    this.events.record(new StockChanged(slugs, flipped), manager);
  }
}
