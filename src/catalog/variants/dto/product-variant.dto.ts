import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import { MAX_POSITION } from './attribute.dto.js';

export const MAX_VARIANT_ATTRIBUTES = 10;
/**
 * The bounds of product.dto's MAX_MONEY and MAX_STOCK, repeated: product.dto embeds this file's
 * ProductVariantDto, and importing back from it would be an ESM cycle read at decoration time.
 */
const MAX_MONEY = 2_147_483_647;
const MAX_STOCK = 10_000_000;

export class CreateProductVariantDto {
  @ApiPropertyOptional({
    example: 'Red / L',
    maxLength: 200,
    description: "Default: the values joined by ' / ', in attribute order",
  })
  @Trim()
  @ValidateIf((_, v) => v !== undefined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name?: string;

  @ApiProperty({
    example: 'TR2-RED-L',
    maxLength: 64,
    description: 'Unique across products and variants (case-insensitive)',
  })
  @Trim()
  @IsString()
  @Matches(/^[A-Za-z0-9][A-Za-z0-9._/-]{0,63}$/, {
    message: 'sku must be 1–64 letters, digits, or . _ / -',
  })
  sku!: string;

  @ApiProperty({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY,
    description: "Minor units of the product's currency",
    example: 8999,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  price!: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_STOCK, default: 0 })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock?: number;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_POSITION, default: 0 })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_POSITION)
  position?: number;

  @ApiProperty({
    type: [String],
    format: 'uuid',
    minItems: 1,
    maxItems: MAX_VARIANT_ATTRIBUTES,
    description:
      'Attribute value ids, one per attribute; every variant of a product uses the same attributes, and no two the same combination',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_VARIANT_ATTRIBUTES)
  @ArrayUnique()
  @IsUUID(undefined, { each: true })
  attributeValueIds!: string[];
}

export class UpdateProductVariantDto extends PartialType(CreateProductVariantDto, {
  skipNullProperties: false, // `price: null` is a 400, not a NOT NULL violation
}) {}

export class VariantAttributeDto {
  @ApiProperty({ format: 'uuid' })
  attributeId!: string;

  @ApiProperty({ example: 'color' })
  attributeSlug!: string;

  @ApiProperty({ example: 'Color' })
  attributeName!: string;

  @ApiProperty({ format: 'uuid' })
  valueId!: string;

  @ApiProperty({ example: 'red' })
  valueSlug!: string;

  @ApiProperty({ example: 'Red' })
  value!: string;
}

export class ProductVariantDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty({ example: 'Red / L' })
  name!: string;

  sku!: string;

  @ApiProperty({ type: 'integer', description: 'Minor units of `currency`' })
  price!: number;

  @ApiProperty({ example: 'USD', description: "ISO 4217 (the product's)" })
  currency!: string;

  @ApiProperty({ type: 'integer' })
  stock!: number;

  inStock!: boolean;

  @ApiProperty({ description: 'Inactive variants are shown to staff only' })
  isActive!: boolean;

  @ApiProperty({ type: 'integer' })
  position!: number;

  @ApiProperty({ type: [VariantAttributeDto], description: 'In attribute order' })
  attributes!: VariantAttributeDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class ProductVariantListDto {
  items!: ProductVariantDto[];
}
