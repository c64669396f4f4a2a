import {
  Column,
  CreateDateColumn,
  Entity,
  OneToMany,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { AttributeValue } from './attribute-value.entity.js';

/** A dimension variants differ in (Color, Size), managed by staff. */
@Entity('attributes')
export class Attribute {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Unique regardless of case. */
  @Column({ type: 'varchar', length: 60 })
  name!: string;

  /** Generated from the name at creation; unique; stable on rename (the list filter uses it). */
  @Column({ type: 'varchar', length: 80 })
  slug!: string;

  /** Display order (then name). */
  @Column({ type: 'integer', default: 0 })
  position!: number;

  @OneToMany(() => AttributeValue, (value) => value.attribute)
  values?: AttributeValue[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}
