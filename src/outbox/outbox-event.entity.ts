import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { OutboxEventType } from './outbox-event-types.js';

/**
 * An event that leaves the process, written in the transaction of the change it describes and
 * dispatched afterwards by the job engine (at least once). Its id is stable: consumers dedupe on it.
 */
@Entity('outbox_events')
export class OutboxEvent {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'varchar', length: 64 })
  type!: OutboxEventType;

  /** Version of the payload schema of `type`. */
  @Column({ type: 'smallint', default: 1 })
  version!: number;

  @Column({ type: 'varchar', length: 32 })
  aggregateType!: 'order' | 'user';

  @Column({ type: 'uuid' })
  aggregateId!: string;

  /** The customer concerned (the mail recipient), if any. */
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  /** Frozen at event time. */
  @Column({ type: 'jsonb' })
  payload!: Record<string, unknown>;

  @Column({ type: 'timestamptz', insert: false, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt!: Date | null;
}
