import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** One use of a coupon by one order; a cancelled order's use is released, not deleted. */
@Entity('coupon_redemptions')
export class CouponRedemption {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  couponId!: string;

  @Column({ type: 'uuid' })
  orderId!: string;

  /** The customer's account; `null` for a guest order until an account claims it. */
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  /** A guest order's contact address: per-customer limits count guests by address. */
  @Column({ type: 'varchar', length: 254, nullable: true })
  guestEmail!: string | null;

  @Column({ type: 'integer' })
  discountAmount!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** Set when the order was cancelled: the use no longer counts against the limits. */
  @Column({ type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}
