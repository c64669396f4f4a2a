import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AfterCommit, DomainEventBus } from '@/common/events/domain-event-bus.js';
import { CatalogCache } from '../cache/catalog-cache.service.js';
import { StockChanged } from '../events/stock-changed.event.js';

export interface StockLine {
  productId: string;
  /** The variant the units come from (or go back to); absent for a product without variants. */
  variantId?: string | null;
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
  /** It has active variants: its stock is their sum, and units are taken from a variant. */
  hasVariants: boolean;
}

/** A product variant as a checkout sees it, read under a row lock (after its product's). */
export interface LockedVariant {
  id: string;
  productId: string;
  name: string;
  sku: string;
  price: number;
  stock: number;
  isActive: boolean;
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
  active_variant_count: number;
}

interface VariantRow {
  id: string;
  product_id: string;
  name: string;
  sku: string;
  price: number;
  stock: number;
  is_active: boolean;
}

/**
 * Stock moves for orders, inside the caller's transaction: rows are locked in id order (so
 * concurrent checkouts never deadlock), decrements are guarded (`stock >= qty`) and the CHECK
 * constraint `stock >= 0` is the backstop. After commit, the touched products' cached details
 * are invalidated, and the lists too when a product went in or out of stock.
 */
@Injectable()
export class StockService {
  constructor(
    private readonly events: DomainEventBus,
    private readonly cache: CatalogCache,
  ) {}

  @AfterCommit(StockChanged)
  async bumpCache(event: StockChanged): Promise<void> {
    await this.cache.bump('stock', event);
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
      `SELECT id, slug, name, sku, price, currency, stock, is_active, requires_shipping,
              active_variant_count
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
          hasVariants: r.active_variant_count > 0,
        },
      ]),
    );
  }

  /**
   * Locks the variants (in id order) and returns them; unknown ids are absent. Lock the
   * products first ({@link lockProducts}): every writer takes product rows before variant rows
   * (a variant's stock rolls up into its product's), so none deadlock.
   */
  lockVariants(manager: EntityManager, variantIds: string[]): Promise<Map<string, LockedVariant>> {
    return this.readVariants(manager, variantIds, true);
  }

  /** The variants as they are now, without locking (carts); unknown ids are absent. */
  peekVariants(manager: EntityManager, variantIds: string[]): Promise<Map<string, LockedVariant>> {
    return this.readVariants(manager, variantIds, false);
  }

  private async readVariants(
    manager: EntityManager,
    variantIds: string[],
    lock: boolean,
  ): Promise<Map<string, LockedVariant>> {
    const ids = [...new Set(variantIds)].sort();
    if (ids.length === 0) return new Map();
    const rows = await manager.query<VariantRow[]>(
      `SELECT id, product_id, name, sku, price, stock, is_active
         FROM product_variants WHERE id = ANY($1::uuid[]) ORDER BY id${lock ? ' FOR NO KEY UPDATE' : ''}`,
      [ids],
    );
    return new Map(
      rows.map((r) => [
        r.id,
        {
          id: r.id,
          productId: r.product_id,
          name: r.name,
          sku: r.sku,
          price: r.price,
          stock: r.stock,
          isActive: r.is_active,
        },
      ]),
    );
  }

  /**
   * Takes stock for every line: from the variant for lines with one, from the product
   * otherwise. The rows must be locked ({@link lockProducts}, then {@link lockVariants}) and
   * checked by the caller; the guarded updates still refuse to go below zero, to take a
   * product's own stock once it has active variants, or to take from an inactive variant
   * (returns false then). A trigger rolls variant stock up into the product's.
   */
  async take(
    manager: EntityManager,
    lines: StockLine[],
    locked: Map<string, LockedProduct>,
  ): Promise<boolean> {
    const productLines = lines.filter((l) => !l.variantId);
    const variantLines = lines.filter((l) => l.variantId);
    // As CTEs, so the driver answers the returned rows (a bare UPDATE answers [rows, count]).
    const taken =
      (productLines.length === 0
        ? 0
        : (
            await manager.query<Array<{ id: string }>>(
              `WITH taken AS (
                 UPDATE products p SET stock = p.stock - v.qty, updated_at = now()
                   FROM unnest($1::uuid[], $2::int[]) AS v(id, qty)
                  WHERE p.id = v.id AND p.stock >= v.qty AND p.active_variant_count = 0
                  RETURNING p.id)
               SELECT id FROM taken`,
              [productLines.map((l) => l.productId), productLines.map((l) => l.quantity)],
            )
          ).length) +
      (variantLines.length === 0
        ? 0
        : (
            await manager.query<Array<{ id: string }>>(
              `WITH taken AS (
                 UPDATE product_variants pv SET stock = pv.stock - v.qty, updated_at = now()
                   FROM unnest($1::uuid[], $2::uuid[], $3::int[]) AS v(id, product_id, qty)
                  WHERE pv.id = v.id AND pv.product_id = v.product_id AND pv.is_active
                    AND pv.stock >= v.qty
                  RETURNING pv.id)
               SELECT id FROM taken`,
              [
                variantLines.map((l) => l.variantId),
                variantLines.map((l) => l.productId),
                variantLines.map((l) => l.quantity),
              ],
            )
          ).length);
    if (taken !== lines.length) return false;
    // A product went out of stock when its lines took all it had (its variants' sum).
    const perProduct = new Map<string, number>();
    for (const l of lines)
      perProduct.set(l.productId, (perProduct.get(l.productId) ?? 0) + l.quantity);
    const flipped = [...perProduct].some(([id, qty]) => locked.get(id)?.stock === qty);
    this.record(manager, lines, locked, flipped);
    return true;
  }

  /**
   * Gives stock back (a cancelled order): to the variant for lines with one (a trigger rolls it
   * up into the product), to the product otherwise. Products and variants deleted since are
   * skipped, and so is a product line whose product has active variants by now (its stock is
   * theirs; the units cannot be told apart).
   */
  async giveBack(manager: EntityManager, lines: StockLine[]): Promise<void> {
    const locked = await this.lockProducts(
      manager,
      lines.map((l) => l.productId),
    );
    const variants = await this.lockVariants(
      manager,
      lines.flatMap((l) => (l.variantId && locked.has(l.productId) ? [l.variantId] : [])),
    );
    const productLines = lines.filter(
      (l) => !l.variantId && locked.get(l.productId)?.hasVariants === false,
    );
    const variantLines = lines.filter(
      (l) => l.variantId && variants.get(l.variantId)?.productId === l.productId,
    );
    if (productLines.length > 0)
      await manager.query(
        `UPDATE products p SET stock = p.stock + v.qty, updated_at = now()
           FROM unnest($1::uuid[], $2::int[]) AS v(id, qty)
          WHERE p.id = v.id`,
        [productLines.map((l) => l.productId), productLines.map((l) => l.quantity)],
      );
    if (variantLines.length > 0)
      await manager.query(
        `UPDATE product_variants pv SET stock = pv.stock + v.qty, updated_at = now()
           FROM unnest($1::uuid[], $2::int[]) AS v(id, qty)
          WHERE pv.id = v.id`,
        [variantLines.map((l) => l.variantId), variantLines.map((l) => l.quantity)],
      );
    const present = [...productLines, ...variantLines];
    if (present.length === 0) return;
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
