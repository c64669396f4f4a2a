import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Product } from '../products/product.entity.js';
import { ProductVariantValue } from './product-variant-value.entity.js';

/**
 * A purchasable version of a product (Red / L) with its own SKU, price and stock. Money is in
 * minor units of the product's currency. Triggers keep the product's `stock` (the sum over its
 * active variants) and `activeVariantCount`, and SKUs unique across products and variants.
 */
@Entity('product_variants')
export class ProductVariant {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', update: false })
  productId!: string;

  @ManyToOne(() => Product, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id' })
  product?: Product;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  @Column({ type: 'integer' })
  price!: number;

  /** Never negative: a CHECK constraint backs every decrement. */
  @Column({ type: 'integer', default: 0 })
  stock!: number;

  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ type: 'integer', default: 0 })
  position!: number;

  /** The sorted attribute value ids: unique per product, so one variant per combination. */
  @Column({ type: 'text' })
  combinationKey!: string;

  @OneToMany(() => ProductVariantValue, (value) => value.variant)
  values?: ProductVariantValue[];

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
