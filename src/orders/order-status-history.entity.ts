import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OrderStatus } from './order-state-machine.js';

@Entity('order_status_history')
export class OrderStatusHistory {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'uuid' })
  orderId!: string;

  /** `null` for the order's creation. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  fromStatus!: OrderStatus | null;

  @Column({ type: 'varchar', length: 16 })
  toStatus!: OrderStatus;

  @Column({ type: 'uuid', nullable: true })
  byUserId!: string | null;

  @Column({ type: 'text', nullable: true })
  note!: string | null;

  @Column({ type: 'timestamptz', insert: false, update: false })
  at!: Date;
}
