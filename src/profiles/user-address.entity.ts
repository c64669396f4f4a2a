import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Address } from '@/common/address.js';

/**
 * An address in a user's address book. At most one per user is the default shipping address
 * and one the default billing address (partial unique indexes).
 */
@Entity('user_addresses')
export class UserAddress {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 50, nullable: true })
  label!: string | null;

  @Column({ type: 'varchar', length: 120 })
  fullName!: string;

  @Column({ type: 'varchar', length: 200 })
  line1!: string;

  @Column({ type: 'varchar', length: 200, nullable: true })
  line2!: string | null;

  @Column({ type: 'varchar', length: 100 })
  city!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  region!: string | null;

  @Column({ type: 'varchar', length: 20 })
  postalCode!: string;

  @Column({ type: 'char', length: 2 })
  country!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  phone!: string | null;

  @Column({ type: 'boolean', default: false })
  isDefaultShipping!: boolean;

  @Column({ type: 'boolean', default: false })
  isDefaultBilling!: boolean;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** The postal address of an entry, in the shape orders store (optional parts left out when empty). */
export function toAddress(entry: UserAddress): Address {
  return {
    fullName: entry.fullName,
    line1: entry.line1,
    ...(entry.line2 ? { line2: entry.line2 } : {}),
    city: entry.city,
    ...(entry.region ? { region: entry.region } : {}),
    postalCode: entry.postalCode,
    country: entry.country,
    ...(entry.phone ? { phone: entry.phone } : {}),
  };
}
