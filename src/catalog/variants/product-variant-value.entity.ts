import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AttributeValue } from './attribute-value.entity.js';
import { ProductVariant } from './product-variant.entity.js';

/** A variant's value of one attribute: at most one per attribute (the primary key). */
@Entity('product_variant_values')
export class ProductVariantValue {
  @PrimaryColumn({ type: 'uuid' })
  variantId!: string;

  @PrimaryColumn({ type: 'uuid' })
  attributeId!: string;

  @Column({ type: 'uuid' })
  attributeValueId!: string;

  @ManyToOne(() => ProductVariant, (variant) => variant.values, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'variant_id' })
  variant?: ProductVariant;

  @ManyToOne(() => AttributeValue, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'attribute_value_id' })
  attributeValue?: AttributeValue;
}
