import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AfterCommit, DomainEventBus } from '@/common/events/domain-event-bus.js';
import { CatalogCache } from '../cache/catalog-cache.service.js';
import { ProductRatingChanged } from '../events/product-rating-changed.event.js';

/** A product row as locked for a rating update. */
export interface RatedProduct {
  id: string;
  slug: string;
  name: string;
  isActive: boolean;
}

/** What the approved reviews of a product add up to. */
export interface RatingSummary {
  /** Stars, rounded to hundredths; 0 when `count` is 0. */
  average: number;
  count: number;
}

/**
 * The product's rating summary, written inside the caller's (the reviews module's) transaction.
 * The caller locks the product first ({@link lock}) and computes the summary afterwards, so
 * concurrent moderations of one product's reviews run one at a time and each aggregate sees
 * every earlier commit (READ COMMITTED takes a fresh snapshot per statement). After commit, the
 * product's cached detail and the lists (filtered and sorted by rating) are invalidated.
 */
@Injectable()
export class ProductRatingService {
  constructor(
    private readonly events: DomainEventBus,
    private readonly cache: CatalogCache,
  ) {}

  @AfterCommit(ProductRatingChanged)
  async bumpCache(event: ProductRatingChanged): Promise<void> {
    await this.cache.bump('rating', event.productSlug);
  }

  /**
   * Locks the product row until the transaction ends; null when there is no such product.
   * `FOR NO KEY UPDATE`, as stock updates take: foreign-key checks (new reviews, cart lines)
   * are not blocked.
   */
  async lock(manager: EntityManager, productId: string): Promise<RatedProduct | null> {
    const [row] = await manager.query<
      Array<{ id: string; slug: string; name: string; is_active: boolean }>
    >(`SELECT id, slug, name, is_active FROM products WHERE id = $1 FOR NO KEY UPDATE`, [
      productId,
    ]);
    return row ? { id: row.id, slug: row.slug, name: row.name, isActive: row.is_active } : null;
  }

  /** Stores the summary of a product locked by {@link lock} in this transaction. */
  async set(manager: EntityManager, product: RatedProduct, summary: RatingSummary): Promise<void> {
    await manager.query(
      `UPDATE products SET rating_average = $2, review_count = $3 WHERE id = $1`,
      [product.id, summary.count === 0 ? 0 : summary.average, summary.count],
    );
    this.events.record(new ProductRatingChanged(product.id, product.slug), manager);
  }
}
