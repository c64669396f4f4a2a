import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { CartItem } from './cart-item.entity.js';

/**
 * One cart per user, or a guest's cart: owned by whoever holds its opaque cart token (only the
 * token's SHA-256 is stored). A guest cart expires (`expiresAt`, sliding) and is swept.
 */
@Entity('carts')
export class Cart {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** `null` for a guest cart. */
  @Column({ type: 'uuid', nullable: true })
  userId!: string | null;

  /** SHA-256 (hex) of a guest cart's token; `null` for a user's cart. */
  @Column({ type: 'char', length: 64, nullable: true, select: false })
  guestTokenHash!: string | null;

  /** When an untouched guest cart is swept; `null` for a user's cart. */
  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @OneToMany(() => CartItem, (item) => item.cart)
  items?: CartItem[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
