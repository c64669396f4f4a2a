import { DomainEvent } from '@/common/events/domain-event-bus.js';

/** Stored files were let go of (queued in `media_deletions`) by the committing transaction. */
export class MediaFilesReleased extends DomainEvent {
  constructor(readonly keys: readonly string[]) {
    super();
  }
}
