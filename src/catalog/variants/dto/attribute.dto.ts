import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsNotEmpty,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import type { AttributeValue } from '../attribute-value.entity.js';
import type { Attribute } from '../attribute.entity.js';

export const MAX_POSITION = 10_000;

export class CreateAttributeValueDto {
  @ApiProperty({
    example: 'Red',
    maxLength: 100,
    description: 'Unique within the attribute (any case)',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  value!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_POSITION, default: 0 })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null: NOT NULL column
  @IsInt()
  @Min(0)
  @Max(MAX_POSITION)
  position?: number;
}

export class UpdateAttributeValueDto extends PartialType(CreateAttributeValueDto, {
  skipNullProperties: false,
}) {}

export class CreateAttributeDto {
  @ApiProperty({ example: 'Color', maxLength: 60, description: 'Unique (any case)' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(60)
  name!: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_POSITION, default: 0 })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(0)
  @Max(MAX_POSITION)
  position?: number;

  @ApiPropertyOptional({
    type: [String],
    example: ['Red', 'Blue'],
    maxItems: 100,
    description: 'Values to create with the attribute, in display order (positions 0, 1, …)',
  })
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v))
      : value,
  )
  @ValidateIf((_, v) => v !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @ArrayUnique((v: unknown) => (typeof v === 'string' ? v.toLowerCase() : v), {
    message: 'values must be unique (any case)',
  })
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(100, { each: true })
  values?: string[];
}

/** Name and position; values have their own operations. */
export class UpdateAttributeDto extends PartialType(
  OmitType(CreateAttributeDto, ['values'] as const),
  {
    skipNullProperties: false, // `name: null` is a 400, not a NOT NULL violation
  },
) {}

export class AttributeValueDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'red', description: 'Stable; used by the product list filter' })
  slug!: string;

  @ApiProperty({ example: 'Red' })
  value!: string;

  @ApiProperty({ type: 'integer' })
  position!: number;
}

export class AttributeDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'color', description: 'Stable; used by the product list filter' })
  slug!: string;

  @ApiProperty({ example: 'Color' })
  name!: string;

  @ApiProperty({ type: 'integer' })
  position!: number;

  @ApiProperty({ type: [AttributeValueDto], description: 'By position, then value' })
  values!: AttributeValueDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class AttributeListDto {
  items!: AttributeDto[];
}

export const toAttributeValueDto = (value: AttributeValue): AttributeValueDto => ({
  id: value.id,
  slug: value.slug,
  value: value.value,
  position: value.position,
});

/** `attribute.values` must be loaded; they are sorted here. */
export function toAttributeDto(attribute: Attribute): AttributeDto {
  const values = [...(attribute.values ?? [])].sort(
    (a, b) => a.position - b.position || a.value.localeCompare(b.value),
  );
  return {
    id: attribute.id,
    slug: attribute.slug,
    name: attribute.name,
    position: attribute.position,
    values: values.map(toAttributeValueDto),
    createdAt: attribute.createdAt.toISOString(),
    updatedAt: attribute.updatedAt.toISOString(),
  };
}
