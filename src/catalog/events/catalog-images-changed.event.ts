import { DomainEvent } from '@/common/events/domain-event-bus.js';
import type { ImageOwnerKind } from '../images/catalog-image-owners.service.js';

/** The displayed images of a product, category or brand changed. */
export class CatalogImagesChanged extends DomainEvent {
  constructor(
    readonly ownerKind: ImageOwnerKind,
    /** The owner's slug. */
    readonly ownerSlug: string,
  ) {
    super();
  }
}
