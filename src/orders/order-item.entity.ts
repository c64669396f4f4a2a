import { Column, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Order } from './order.entity.js';

/** A snapshot of the product at checkout: later price or name changes do not touch it. */
@Entity('order_items')
export class OrderItem {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  orderId!: string;

  @ManyToOne(() => Order, (order) => order.items, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id' })
  order?: Order;

  @Column({ type: 'uuid' })
  productId!: string;

  /** The variant's SKU for a variant line, else the product's. */
  @Column({ type: 'varchar', length: 64 })
  sku!: string;

  /** The product's name. */
  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** The variant bought, if any (no foreign key: the snapshot outlives it). */
  @Column({ type: 'uuid', nullable: true })
  variantId!: string | null;

  /** The variant's name at checkout (e.g. `Red / L`), with `variantId`. */
  @Column({ type: 'varchar', length: 200, nullable: true })
  variantName!: string | null;

  @Column({ type: 'integer' })
  unitPrice!: number;

  @Column({ type: 'integer' })
  quantity!: number;

  @Column({ type: 'integer' })
  lineTotal!: number;

  @Column({ type: 'smallint' })
  position!: number;
}
