import { DomainEvent } from '@/common/events/domain-event-bus.js';

/** Stock of some products moved (a checkout took it, a cancellation gave it back). */
export class StockChanged extends DomainEvent {
  constructor(
    /** Slugs of the products whose stock moved. */
    readonly productSlugs: readonly string[],
    /** Some product went out of stock or back in: lists filtered by `inStock` changed. */
    readonly inStockFlipped: boolean,
  ) {
    super();
  }
}
