import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { mediaUrl } from '../media-storage.js';
import { IMAGE_TYPES } from '../image-sniffer.js';
import type { CatalogImage } from '../catalog-image.entity.js';

export const MAX_IMAGES_PER_OWNER = 20;
export const ALT_TEXT_MAX = 200;

/** The form of an image upload (documentation only: multipart bodies are read by hand). */
export class UploadImageFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'A JPEG, PNG, WebP or GIF, judged by its content (not its name or part content type); at most `MEDIA_MAX_BYTES` (5 MB by default)',
  })
  file!: unknown;

  @ApiPropertyOptional({
    maxLength: ALT_TEXT_MAX,
    description: 'Text alternative for screen readers',
  })
  altText?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Make it the primary image (the first upload always is)',
  })
  isPrimary?: string;
}

export class CatalogImageDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    description: 'Where to fetch it: a path under `/media` on the API origin',
    example: '/media/3f2a0c1e9b8d4e6fa1b2c3d4e5f60718.webp',
  })
  url!: string;

  @ApiProperty({ maxLength: ALT_TEXT_MAX })
  altText!: string;

  @ApiProperty({ description: 'At most one per product, category or brand; shown first' })
  isPrimary!: boolean;

  @ApiProperty({ description: 'Position among the images (0 first)', minimum: 0 })
  sortOrder!: number;

  @ApiProperty({ enum: IMAGE_TYPES, description: 'Detected from the content' })
  contentType!: string;

  @ApiProperty({ description: 'Bytes' })
  byteSize!: number;

  width!: number;

  height!: number;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt!: Date;
}

export class CatalogImageListDto {
  @ApiProperty({
    type: () => [CatalogImageDto],
    description: 'In display order: the primary image first, then by `sortOrder`',
  })
  items!: CatalogImageDto[];
}

export class UpdateCatalogImageDto {
  @ApiPropertyOptional({ maxLength: ALT_TEXT_MAX })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @MaxLength(ALT_TEXT_MAX)
  altText?: string;

  @ApiPropertyOptional({
    description: '`true` makes it the primary image (the previous one stops being it)',
  })
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  isPrimary?: boolean;
}

export class ReorderCatalogImagesDto {
  @ApiProperty({
    type: [String],
    format: 'uuid',
    description: 'Every image id of the item, each once, in the new order',
    maxItems: MAX_IMAGES_PER_OWNER,
  })
  @IsArray()
  @ArrayMaxSize(MAX_IMAGES_PER_OWNER)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  imageIds!: string[];
}

export const toCatalogImageDto = (image: CatalogImage): CatalogImageDto => ({
  id: image.id,
  url: mediaUrl(image.storageKey),
  altText: image.altText,
  isPrimary: image.isPrimary,
  sortOrder: image.sortOrder,
  contentType: image.contentType,
  byteSize: image.byteSize,
  width: image.width,
  height: image.height,
  createdAt: image.createdAt,
});
