import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Wishlist } from './wishlist.entity.js';

/** A product on a wishlist: at most once per list. */
@Entity('wishlist_items')
export class WishlistItem {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  wishlistId!: string;

  @ManyToOne(() => Wishlist, (wishlist) => wishlist.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'wishlist_id' })
  wishlist?: Wishlist;

  @Column({ type: 'uuid' })
  productId!: string;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  addedAt!: Date;
}
