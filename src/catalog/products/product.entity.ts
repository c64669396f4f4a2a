import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Brand } from '../taxonomy/brand.entity.js';
import { Category } from '../taxonomy/category.entity.js';

export interface ProductImage {
  url: string;
  alt: string;
}

/** Money columns are integer minor units (cents) of `currency`. */
@Entity('products')
export class Product {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'varchar', length: 220 })
  slug!: string;

  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  barcode!: string | null;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'varchar', length: 500, default: '' })
  shortDescription!: string;

  @Column({ type: 'integer' })
  price!: number;

  @Column({ type: 'integer', nullable: true })
  compareAtPrice!: number | null;

  /** What the shop paid: visible to staff only, never cached. */
  @Column({ type: 'integer', nullable: true })
  costPrice!: number | null;

  @Column({ type: 'char', length: 3 })
  currency!: string;

  /** Never negative: a CHECK constraint backs every decrement. */
  @Column({ type: 'integer', default: 0 })
  stock!: number;

  @Column({ type: 'integer', default: 5 })
  lowStockThreshold!: number;

  @Column({ type: 'integer', nullable: true })
  weightGrams!: number | null;

  @Column({ type: 'integer', nullable: true })
  lengthMm!: number | null;

  @Column({ type: 'integer', nullable: true })
  widthMm!: number | null;

  @Column({ type: 'integer', nullable: true })
  heightMm!: number | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  seoTitle!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  seoDescription!: string | null;

  @Column({ type: 'boolean', default: false })
  isDigital!: boolean;

  @Column({ type: 'boolean', default: true })
  requiresShipping!: boolean;

  @Column({ type: 'boolean', default: true })
  isActive!: boolean;

  @Column({ type: 'boolean', default: false })
  isFeatured!: boolean;

  /** In display order; the first is the primary image. */
  @Column({ type: 'jsonb', default: () => "'[]'::jsonb" })
  images!: ProductImage[];

  /**
   * Average rating of the approved reviews, in stars rounded to hundredths (0 when there are
   * none); kept by the reviews module's moderation transaction.
   */
  @Column({
    type: 'numeric',
    precision: 3,
    scale: 2,
    default: 0,
    transformer: { to: (v: number) => v, from: (v: string | null) => Number(v ?? 0) },
  })
  ratingAverage!: number;

  /** Approved reviews. */
  @Column({ type: 'integer', default: 0 })
  reviewCount!: number;

  /**
   * Active variants, kept by a database trigger (never written here). While > 0, `stock` is the
   * sum of the active variants' stock (the same trigger keeps it) and carts need a variant.
   */
  @Column({ type: 'integer', default: 0, insert: false, update: false })
  activeVariantCount!: number;

  @Column({ type: 'uuid' })
  categoryId!: string;

  @ManyToOne(() => Category, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'category_id' })
  category?: Category;

  @Column({ type: 'uuid', nullable: true })
  brandId!: string | null;

  @ManyToOne(() => Brand, { onDelete: 'RESTRICT', nullable: true })
  @JoinColumn({ name: 'brand_id' })
  brand?: Brand | null;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
