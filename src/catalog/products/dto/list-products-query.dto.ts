import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination.js';
import { QueryBoolean, QueryInt, Trim } from '@/common/query-transforms.js';
import { MAX_MONEY, ProductDto } from './product.dto.js';

export const PRODUCT_SORTS = [
  'price',
  '-price',
  'name',
  '-name',
  'createdAt',
  '-createdAt',
  'rating',
  '-rating',
  'reviews',
  '-reviews',
  'relevance',
] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];

/** Filters shared by every product list (`listProducts`, category and brand product lists). */
export class ProductFiltersDto extends PageQueryDto {
  @ApiPropertyOptional({
    description:
      "Opaque keyset cursor from the previous page's `nextCursor`: fast deep paging (then `page` is ignored)",
    maxLength: 300,
  })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(/^[\w-]+$/, { message: 'cursor is not valid' })
  cursor?: string;

  @ApiPropertyOptional({
    description: 'Full-text search over name, SKU and descriptions (prefix matching)',
    maxLength: 200,
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY,
    description: 'Minor units, inclusive',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  minPrice?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_MONEY,
    description: 'Minor units, inclusive',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(MAX_MONEY)
  maxPrice?: number;

  @ApiPropertyOptional({
    type: 'number',
    minimum: 0,
    maximum: 5,
    example: 4,
    description:
      'Only products whose `ratingAverage` is at least this (stars, up to 2 decimals); unrated products have 0',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' && /^\d(\.\d{1,2})?$/.test(value) ? Number(value) : value,
  )
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(5)
  minRating?: number;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: 1_000_000,
    example: 10,
    description: 'Only products with at least this many approved reviews (`reviewCount`)',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  minReviews?: number;

  @ApiPropertyOptional({
    description:
      'Attribute values of an active variant: `color:red|blue,size:l` keeps products with a variant that is (red or blue) and l. Terms are separated by `,`, an attribute slug and its values by `:`, alternative values by `|`; at most 10 attributes and 20 values each. With `inStock=true`, the matching variant must be in stock. Unknown slugs match nothing; bad syntax is a 400. See `listAttributes` for the slugs.',
    maxLength: 1000,
    example: 'color:red|blue,size:l',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  attributes?: string;

  @ApiPropertyOptional({ description: '`true`: stock > 0; `false`: stock = 0' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  inStock?: boolean;

  @ApiPropertyOptional({ description: 'Only featured (`true`) or only not featured (`false`)' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  featured?: boolean;

  @ApiPropertyOptional({
    description:
      '`true`: only products on sale (a `compareAtPrice` above the `price`); `false`: only those that are not',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  onSale?: boolean;

  @ApiPropertyOptional({
    enum: PRODUCT_SORTS,
    enumName: 'ProductSort',
    description:
      'Default `-createdAt`, or `relevance` when `q` is given (matches in the name or SKU first, the more the better, then matches in the descriptions only); `rating`/`-rating` sort by `ratingAverage`, `reviews`/`-reviews` by `reviewCount`',
  })
  @IsOptional()
  @IsIn(PRODUCT_SORTS)
  sort?: ProductSort;

  @ApiPropertyOptional({
    description: 'Staff only: include inactive products (ignored for others)',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeInactive?: boolean;
}

export class ListProductsQueryDto extends ProductFiltersDto {
  @ApiPropertyOptional({
    description: 'Category slug; an unknown slug gives an empty page',
    maxLength: 140,
  })
  @IsOptional()
  @IsString()
  @MaxLength(140)
  category?: string;

  @ApiPropertyOptional({
    description: 'Brand slug; an unknown slug gives an empty page',
    maxLength: 140,
  })
  @IsOptional()
  @IsString()
  @MaxLength(140)
  brand?: string;
}

export class FeaturedQueryDto {
  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 50, default: 12 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(50)
  limit?: number;

  /**
   * Accepted like on every other public catalog read, so one query builder serves them all; the
   * featured list shows active products only, to everyone.
   */
  @ApiPropertyOptional({
    description:
      'Accepted for parity with the other catalog reads and ignored: featured products are always the active ones',
  })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  includeInactive?: boolean;
}

export class ProductPageDto {
  items!: ProductDto[];

  @ApiProperty({ type: 'integer' })
  page!: number;

  @ApiProperty({ type: 'integer' })
  pageSize!: number;

  @ApiProperty({
    type: 'integer',
    description:
      'Matching products across all pages: exact, or an estimate when `totalIsEstimate` is true',
  })
  total!: number;

  @ApiProperty({
    description:
      'True when `total` (and so `totalPages`) is an estimate: a list of more than 1,000 products is estimated (a page that reaches the end of the list knows its exact total); smaller lists are counted exactly',
  })
  totalIsEstimate!: boolean;

  @ApiProperty({ type: 'integer', description: '0 when nothing matches' })
  totalPages!: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Pass as `cursor` for the next page; null on the last page (and for `sort=relevance`)',
  })
  nextCursor!: string | null;
}
