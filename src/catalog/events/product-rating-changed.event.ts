import { DomainEvent } from '@/common/events/domain-event-bus.js';

/** A product's rating summary (`ratingAverage`, `reviewCount`) changed. */
export class ProductRatingChanged extends DomainEvent {
  constructor(
    readonly productId: string,
    readonly productSlug: string,
  ) {
    super();
  }
}
