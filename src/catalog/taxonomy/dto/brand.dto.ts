import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import type { Brand } from '../brand.entity.js';

export class CreateBrandDto {
  @ApiProperty({ example: 'Acme', maxLength: 120 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'uri', nullable: true, maxLength: 2048 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  logoUrl?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'uri', nullable: true, maxLength: 2048 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  website?: string | null;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: the column is NOT NULL
  @IsBoolean()
  isActive?: boolean;
}

export class UpdateBrandDto extends PartialType(CreateBrandDto, {
  skipNullProperties: false, // `name: null` is a 400, not a NOT NULL violation
}) {}

export class BrandDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'acme' })
  slug!: string;

  name!: string;

  description!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'uri-reference',
    nullable: true,
    description: 'An absolute http(s) URL, or a path under `/media` on the API origin (uploaded)',
  })
  logoUrl!: string | null;

  @ApiProperty({ type: 'string', format: 'uri', nullable: true })
  website!: string | null;

  isActive!: boolean;

  @ApiProperty({ type: 'integer', description: 'Active products of this brand' })
  productCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class BrandListDto {
  items!: BrandDto[];
}

export function toBrandDto(brand: Brand, productCount: number): BrandDto {
  return {
    id: brand.id,
    slug: brand.slug,
    name: brand.name,
    description: brand.description,
    logoUrl: brand.logoUrl,
    website: brand.website,
    isActive: brand.isActive,
    productCount,
    createdAt: brand.createdAt.toISOString(),
    updatedAt: brand.updatedAt.toISOString(),
  };
}
