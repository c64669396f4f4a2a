import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A provider event already applied: inserted in the transaction that applies it. */
@Entity('processed_provider_events')
export class ProcessedProviderEvent {
  @PrimaryColumn({ type: 'varchar', length: 32 })
  provider!: string;

  @PrimaryColumn({ type: 'varchar', length: 255 })
  eventId!: string;

  @Column({ type: 'varchar', length: 100 })
  type!: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  processedAt!: Date;
}
