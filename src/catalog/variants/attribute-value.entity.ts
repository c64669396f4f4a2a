import {
  Column,
  CreateDateColumn,
  Entity,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Attribute } from './attribute.entity.js';

/** One value of an attribute (Red of Color); deleting its attribute deletes it. */
@Entity('attribute_values')
export class AttributeValue {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  attributeId!: string;

  @ManyToOne(() => Attribute, (attribute) => attribute.values, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'attribute_id' })
  attribute?: Attribute;

  /** Unique within the attribute regardless of case. */
  @Column({ type: 'varchar', length: 100 })
  value!: string;

  /** Generated from the value at creation; unique within the attribute; stable on rename. */
  @Column({ type: 'varchar', length: 120 })
  slug!: string;

  @Column({ type: 'integer', default: 0 })
  position!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
