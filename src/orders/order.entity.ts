import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Address } from '@/common/address.js';
import { OrderItem } from './order-item.entity.js';
import type { OrderStatus, PaymentStatus } from './order-state-machine.js';

/** Money columns are integer minor units of `currency`. */
@Entity('orders')
export class Order {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /**
   * From a sequence (the column default, returned by the insert): short, unique, increasing. A
   * bigint, read as a string.
   */
  @Column({ type: 'bigint', update: false, default: () => "nextval('order_number_seq')" })
  number!: string;

  /** The customer's account; `null` for a guest order until an account claims it. */
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  /** A guest order's contact address (kept after an account claims the order). */
  @Column({ type: 'varchar', length: 254, nullable: true })
  guestEmail!: string | null;

  /** SHA-256 (hex) of a guest order's order token; never selected by default. */
  @Column({ type: 'char', length: 64, nullable: true, select: false })
  guestTokenHash!: string | null;

  @Column({ type: 'varchar', length: 16 })
  status!: OrderStatus;

  @Column({ type: 'varchar', length: 20 })
  paymentStatus!: PaymentStatus;

  /**
   * Who takes this order's payment (`PAYMENT_PROVIDER` at checkout). With `manual` the payment
   * status follows the order status; with an online provider, the provider's events drive it.
   */
  @Column({ type: 'varchar', length: 32, default: 'manual' })
  paymentProvider!: string;

  @Column({ type: 'integer' })
  subtotal!: number;

  @Column({ type: 'integer' })
  shippingAmount!: number;

  @Column({ type: 'integer' })
  taxAmount!: number;

  @Column({ type: 'integer' })
  discountAmount!: number;

  /** The coupon code applied at checkout, as it was then (`discountAmount` is its discount). */
  @Column({ type: 'varchar', length: 50, nullable: true })
  couponCode!: string | null;

  @Column({ type: 'integer' })
  total!: number;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  @Column({ type: 'jsonb' })
  shippingAddress!: Address;

  @Column({ type: 'jsonb' })
  billingAddress!: Address;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  trackingNumber!: string | null;

  /** Bumped by every status change: a change based on a stale read is refused (optimistic). */
  @Column({ type: 'integer', default: 1 })
  version!: number;

  @OneToMany(() => OrderItem, (item) => item.order)
  items?: OrderItem[];

  /**
   * Not stored: who makes the status change being saved, and why. The entity subscriber puts
   * them on the `OrderStatusChanged` event (the history row and notification come from it).
   */
  change?: { byUserId: string | null; note: string | null; byGuest?: boolean };

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
