import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUrl,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import { ProductVariantDto } from '../../variants/dto/product-variant.dto.js';

/** The largest amount of money a PostgreSQL `integer` column holds (21,474,836.47 in major units). */
export const MAX_MONEY = 2_147_483_647;
export const MAX_STOCK = 10_000_000;

export class ProductImageDto {
  @ApiProperty({
    // An uploaded image is served from this API as a relative `/media/...` path; one you set
    // yourself is an absolute http(s) URL.
    format: 'uri-reference',
    description:
      'An absolute http(s) URL when you set it; an uploaded image is a path under `/media` on the API origin',
    example: 'https://cdn.example.com/p/red-shoe.jpg',
    maxLength: 2048,
  })
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  url!: string;

  @ApiProperty({ example: 'Red running shoe, side view', maxLength: 200 })
  @IsString()
  @MaxLength(200)
  alt!: string;
}

export class CategoryRefDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  slug!: string;

  name!: string;
}

export class BrandRefDto extends CategoryRefDto {}

export class CreateProductDto {
  @ApiProperty({ example: 'Trail Runner 2', maxLength: 200 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ example: 'TR2-RED-42', maxLength: 64, description: 'Unique (case-insensitive)' })
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
    description: 'Minor units (cents)',
    example: 8999,
  })
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  price!: number;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  categoryId!: string;

  @ApiPropertyOptional({ type: 'string', format: 'uuid', nullable: true })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  brandId?: string | null;

  @ApiPropertyOptional({ maxLength: 20000 })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsString()
  @MaxLength(20000)
  description?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsString()
  @MaxLength(500)
  shortDescription?: string;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: MAX_MONEY,
    description: 'Minor units; the "was" price',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  compareAtPrice?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: MAX_MONEY,
    description: 'Minor units; staff only',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  costPrice?: number | null;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_STOCK, default: 0 })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  stock?: number;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_STOCK, default: 5 })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK)
  lowStockThreshold?: number;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 64 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(64)
  barcode?: string | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 10_000_000 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  weightGrams?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 100_000 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(100_000)
  lengthMm?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 100_000 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(100_000)
  widthMm?: number | null;

  @ApiPropertyOptional({ type: 'integer', nullable: true, minimum: 0, maximum: 100_000 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsInt()
  @Min(0)
  @Max(100_000)
  heightMm?: number | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 200 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(200)
  seoTitle?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(500)
  seoDescription?: string | null;

  @ApiPropertyOptional({ default: false })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsBoolean()
  isDigital?: boolean;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsBoolean()
  requiresShipping?: boolean;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsBoolean()
  isActive?: boolean;

  @ApiPropertyOptional({ default: false })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsBoolean()
  isFeatured?: boolean;

  @ApiPropertyOptional({
    type: [ProductImageDto],
    description: 'In display order; the first is the primary image',
  })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL columns
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ProductImageDto)
  images?: ProductImageDto[];
}

export class UpdateProductDto extends PartialType(CreateProductDto, {
  skipNullProperties: false, // `name: null` is a 400, not a NOT NULL violation
}) {}

export class ProductDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'trail-runner-2' })
  slug!: string;

  name!: string;

  sku!: string;

  description!: string;

  shortDescription!: string;

  @ApiProperty({ type: 'integer', description: 'Minor units (cents) of `currency`' })
  price!: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'Minor units' })
  compareAtPrice!: number | null;

  @ApiProperty({ example: 'USD', description: 'ISO 4217' })
  currency!: string;

  @ApiProperty({ type: 'integer' })
  stock!: number;

  inStock!: boolean;

  @ApiProperty({ description: 'stock > 0 and stock ≤ the low-stock threshold' })
  lowStock!: boolean;

  isActive!: boolean;

  isFeatured!: boolean;

  category!: CategoryRefDto;

  brand!: BrandRefDto | null;

  images!: ProductImageDto[];

  barcode!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  weightGrams!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  lengthMm!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  widthMm!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  heightMm!: number | null;

  seoTitle!: string | null;

  seoDescription!: string | null;

  isDigital!: boolean;

  requiresShipping!: boolean;

  @ApiProperty({
    type: 'number',
    minimum: 0,
    maximum: 5,
    example: 4.33,
    description:
      'Average of the approved reviews in stars (1–5), rounded to hundredths; 0 when `reviewCount` is 0',
  })
  ratingAverage!: number;

  @ApiProperty({ type: 'integer', minimum: 0, description: 'Approved reviews' })
  reviewCount!: number;

  @ApiProperty({
    description:
      'The product has active variants: `stock` is the sum of theirs, and a cart line needs a `variantId`',
  })
  hasVariants!: boolean;

  @ApiPropertyOptional({
    type: () => [ProductVariantDto],
    description:
      'Detail only (`getProduct`, staff writes): the variants with their attribute values; staff also see inactive ones',
  })
  variants?: ProductVariantDto[];

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    description: 'Staff only: absent for other callers',
  })
  costPrice?: number | null;

  @ApiPropertyOptional({ type: 'integer', description: 'Staff only: absent for other callers' })
  lowStockThreshold?: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class FeaturedProductsDto {
  items!: ProductDto[];
}
