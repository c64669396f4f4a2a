import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

export const DISCOUNT_TYPES = ['percentage', 'fixed'] as const;
export type DiscountType = (typeof DISCOUNT_TYPES)[number];

/**
 * A discount code staff hand out. Money is integer minor units of the store currency; a
 * percentage is a whole percent (1–100). `null` limits mean "no limit".
 */
@Entity('coupons')
export class Coupon {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** As staff typed it; matched case-insensitively (unique on `lower(code)`). */
  @Column({ type: 'varchar', length: 50 })
  code!: string;

  @Column({ type: 'varchar', length: 500, nullable: true })
  description!: string | null;

  @Column({ type: 'varchar', length: 16 })
  discountType!: DiscountType;

  @Column({ type: 'integer' })
  discountValue!: number;

  @Column({ type: 'timestamptz', nullable: true })
  startsAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endsAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  minOrderAmount!: number | null;

  @Column({ type: 'integer', nullable: true })
  maxDiscountAmount!: number | null;

  @Column({ type: 'integer', nullable: true })
  usageLimit!: number | null;

  @Column({ type: 'integer', nullable: true })
  perUserLimit!: number | null;

  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
