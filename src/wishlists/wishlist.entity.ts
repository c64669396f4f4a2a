import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { WishlistItem } from './wishlist-item.entity.js';

/**
 * A named list of products a user keeps. While a user has any, exactly one is their default (a
 * partial unique index allows at most one; the service never leaves none).
 */
@Entity('wishlists')
export class Wishlist {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  @Column({ type: 'boolean', default: false })
  isDefault!: boolean;

  /** Readable by anyone holding the share token's link. */
  @Column({ type: 'boolean', default: false })
  isPublic!: boolean;

  /** 256 random bits, base64url; unguessable, rotated on request. */
  @Column({ type: 'varchar', length: 64 })
  shareToken!: string;

  @OneToMany(() => WishlistItem, (item) => item.wishlist)
  items?: WishlistItem[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
