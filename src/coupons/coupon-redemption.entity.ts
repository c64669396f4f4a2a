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

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'integer' })
  discountAmount!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** Set when the order was cancelled: the use no longer counts against the limits. */
  @Column({ type: 'timestamptz', nullable: true })
  releasedAt!: Date | null;
}
