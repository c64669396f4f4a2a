import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { WebhookEventType } from '@/outbox/outbox-event-types.js';

/** A receiver an admin registered for some event types. */
@Entity('webhook_endpoints')
export class WebhookEndpoint {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 2048 })
  url!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'text', array: true })
  eventTypes!: WebhookEventType[];

  /** Signs every delivery; shown once (creation, rotation), never returned again. */
  @Column({ type: 'varchar', length: 128 })
  secret!: string;

  /** Still signs (beside `secret`) until `previousSecretExpiresAt`: receivers switch at leisure. */
  @Column({ type: 'varchar', length: 128, nullable: true })
  previousSecret!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  previousSecretExpiresAt!: Date | null;

  @Column({ type: 'boolean', default: true })
  enabled!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  /** Why it is disabled: by an admin, a `410 Gone`, or failing for days (with the last error). */
  @Column({ type: 'varchar', length: 500, nullable: true })
  disabledReason!: string | null;

  /** First failure of the current streak of failures; `null` after any success. */
  @Column({ type: 'timestamptz', nullable: true })
  failingSince!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @Column({ type: 'timestamptz', insert: false, default: () => 'now()' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', insert: false, default: () => 'now()' })
  updatedAt!: Date;
}
