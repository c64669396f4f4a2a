import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Money given back on an order's payment (minor units). */
@Entity('refunds')
export class Refund {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  paymentId!: string;

  @Column({ type: 'uuid' })
  orderId!: string;

  @Column({ type: 'integer' })
  amount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RefundStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  /** The provider's refund id (Stripe `re_…`); null for manual refunds. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  providerReference!: string | null;

  /** Staff who asked; null when the shop refunded by itself or the provider reported it. */
  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
