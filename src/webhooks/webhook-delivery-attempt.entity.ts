import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { DeliveryResult } from './webhook-http.js';

/** One POST of a delivery (the delivery log; append-only). */
@Entity('webhook_delivery_attempts')
export class WebhookDeliveryAttempt {
  @PrimaryGeneratedColumn('identity', { type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  deliveryId!: string;

  /** 1 for the first attempt. */
  @Column({ type: 'integer' })
  attempt!: number;

  @Column({ type: 'timestamptz' })
  startedAt!: Date;

  @Column({ type: 'integer' })
  durationMs!: number;

  @Column({ type: 'varchar', length: 24 })
  result!: DeliveryResult;

  @Column({ type: 'smallint', nullable: true })
  statusCode!: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  error!: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  responseBody!: string | null;
}
