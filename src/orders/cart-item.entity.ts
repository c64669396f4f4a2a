import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Cart } from './cart.entity.js';

@Entity('cart_items')
export class CartItem {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  cartId!: string;

  @ManyToOne(() => Cart, (cart) => cart.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'cart_id' })
  cart?: Cart;

  /** Null once the product (or the line's variant) is deleted: see `removedName`. */
  @Column({ type: 'uuid', nullable: true })
  productId!: string | null;

  /** The deleted product's name (and variant's): set, with `productId` null, by the delete. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  removedName!: string | null;

  /** The variant of the product (required while it has active variants); null otherwise. */
  @Column({ type: 'uuid', nullable: true })
  variantId!: string | null;

  @Column({ type: 'integer' })
  quantity!: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
