import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ImageType } from './image-sniffer.js';

/**
 * An uploaded image of exactly one product, category or brand (a CHECK constraint). Deleting
 * the row — or its owner, by cascade — queues the file for deletion (a trigger).
 */
@Entity('catalog_images')
export class CatalogImage {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid', nullable: true })
  productId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  categoryId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  brandId!: string | null;

  @Column({ type: 'varchar', length: 64 })
  storageKey!: string;

  @Column({ type: 'varchar', length: 32 })
  contentType!: ImageType;

  @Column({ type: 'integer' })
  byteSize!: number;

  @Column({ type: 'integer' })
  width!: number;

  @Column({ type: 'integer' })
  height!: number;

  @Column({ type: 'varchar', length: 200, default: '' })
  altText!: string;

  @Column({ type: 'boolean', default: false })
  isPrimary!: boolean;

  @Column({ type: 'integer', default: 0 })
  sortOrder!: number;

  @CreateDateColumn({ type: 'timestamptz', precision: 3 })
  createdAt!: Date;
}
