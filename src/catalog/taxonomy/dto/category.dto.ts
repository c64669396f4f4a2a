import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import type { Category } from '../category.entity.js';

export class CreateCategoryDto {
  @ApiProperty({ example: 'Running shoes', maxLength: 120 })
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

  @ApiPropertyOptional({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'Parent category',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUUID()
  parentId?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'uri', nullable: true, maxLength: 2048 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  imageUrl?: string | null;

  @ApiPropertyOptional({ default: true })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: the column is NOT NULL
  @IsBoolean()
  isActive?: boolean;
}

export class UpdateCategoryDto extends PartialType(CreateCategoryDto, {
  skipNullProperties: false, // `name: null` is a 400, not a NOT NULL violation
}) {}

export class CategoryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'running-shoes' })
  slug!: string;

  name!: string;

  description!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'uri-reference',
    nullable: true,
    description: 'An absolute http(s) URL, or a path under `/media` on the API origin (uploaded)',
  })
  imageUrl!: string | null;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  parentId!: string | null;

  isActive!: boolean;

  @ApiProperty({ type: 'integer', description: 'Active products in this category' })
  productCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class CategoryListDto {
  items!: CategoryDto[];
}

export function toCategoryDto(category: Category, productCount: number): CategoryDto {
  return {
    id: category.id,
    slug: category.slug,
    name: category.name,
    description: category.description,
    imageUrl: category.imageUrl,
    parentId: category.parentId,
    isActive: category.isActive,
    productCount,
    createdAt: category.createdAt.toISOString(),
    updatedAt: category.updatedAt.toISOString(),
  };
}
