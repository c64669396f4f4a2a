import { DomainEvent } from '@/common/events/domain-event-bus.js';

/** The displayed images of a product, category or brand changed. */
export class CatalogImagesChanged extends DomainEvent {
  constructor(
    /** Catalog cache namespaces whose reads show those images. */
    readonly namespaces: readonly string[],
  ) {
    super();
  }
}
