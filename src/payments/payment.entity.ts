import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const PAYMENT_RECORD_STATUSES = ['pending', 'succeeded', 'failed', 'canceled'] as const;
export type PaymentRecordStatus = (typeof PAYMENT_RECORD_STATUSES)[number];

/**
 * One order's payment with its provider. Money in integer minor units of `currency`. The
 * provider's client secret is never stored (fetched when the owner reads a payable order).
 */
@Entity('payments')
export class Payment {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** One payment per order (a unique constraint in the migration). */
  @Column({ type: 'uuid' })
  orderId!: string;

  @Column({ type: 'varchar', length: 32 })
  provider!: string;

  /** The provider's id of the payment (a Stripe PaymentIntent id); null until it is created. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  providerReference!: string | null;

  /** What is asked: the order's total. */
  @Column({ type: 'integer' })
  amount!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: PaymentRecordStatus;

  /** What the provider says was paid. */
  @Column({ type: 'integer', default: 0 })
  amountReceived!: number;

  /** Refunds reserved or made (pending and succeeded ones): never above `amountReceived`. */
  @Column({ type: 'integer', default: 0 })
  amountRefunded!: number;

  @Column({ type: 'text', nullable: true })
  failureMessage!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
