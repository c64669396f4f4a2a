import type { OutboxEvent } from '@/outbox/outbox-event.entity.js';

/** The body of every webhook: the outbox event, versioned; receivers ignore fields they do not know. */
export interface WebhookEnvelope {
  /** The event's id: the same for every endpoint that receives it. */
  id: string;
  type: OutboxEvent['type'];
  /** Version of the schema of `data` for this `type`. */
  version: number;
  /** When the event happened (ISO 8601). */
  timestamp: string;
  data: Record<string, unknown>;
}

export const toEnvelope = (
  event: Pick<OutboxEvent, 'id' | 'type' | 'version' | 'createdAt' | 'payload'>,
): WebhookEnvelope => ({
  id: event.id,
  type: event.type,
  version: event.version,
  timestamp: event.createdAt.toISOString(),
  data: event.payload,
});
