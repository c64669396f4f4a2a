import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination.js';
import { QueryInt, Trim } from '@/common/query-transforms.js';
import { REVIEW_STATUSES, type ReviewStatus } from '../review.entity.js';

export const MAX_REVIEW_TITLE = 200;
export const MAX_REVIEW_TEXT = 5000;

export class CreateReviewDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5, description: 'Stars', example: 4 })
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  @ApiProperty({ maxLength: MAX_REVIEW_TITLE, example: 'Comfortable from day one' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REVIEW_TITLE)
  title!: string;

  @ApiProperty({
    maxLength: MAX_REVIEW_TEXT,
    example: 'True to size, and the sole grips well on wet rock.',
  })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_REVIEW_TEXT)
  text!: string;
}

/** Every field optional (none nullable); an edit sends the review back to moderation. */
export class UpdateReviewDto extends PartialType(CreateReviewDto, {
  skipNullProperties: false, // `title: null` is a 400, not a NOT NULL violation
}) {}

export const MODERATION_DECISIONS = ['approved', 'rejected'] as const;
export type ModerationDecision = (typeof MODERATION_DECISIONS)[number];

export class ModerateReviewDto {
  @ApiProperty({ enum: MODERATION_DECISIONS, enumName: 'ModerationDecision' })
  @IsIn(MODERATION_DECISIONS)
  status!: ModerationDecision;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    maxLength: 500,
    description: 'Why (shown to the author, never to the public)',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @Trim()
  @IsString()
  @MaxLength(500)
  note?: string | null;
}

export const REVIEW_SORTS = ['-createdAt', 'createdAt', '-rating', 'rating'] as const;
export type ReviewSort = (typeof REVIEW_SORTS)[number];

export class ListProductReviewsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: REVIEW_SORTS,
    enumName: 'ReviewSort',
    default: '-createdAt',
    description: 'Newest first by default; ties break newest first',
  })
  @IsOptional()
  @IsIn(REVIEW_SORTS)
  sort?: ReviewSort;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: 5,
    description: 'Only this many stars',
  })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(5)
  rating?: number;
}

export class ListReviewsQueryDto extends ListProductReviewsQueryDto {
  @ApiPropertyOptional({
    enum: REVIEW_STATUSES,
    enumName: 'ReviewStatus',
    description: 'Every status when absent',
  })
  @IsOptional()
  @IsIn(REVIEW_STATUSES)
  status?: ReviewStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The author' })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class ReviewProductDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  slug!: string;

  name!: string;
}

export class ReviewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  product!: ReviewProductDto;

  @ApiProperty({
    description: "The author's name as it was when they wrote the review, shortened (`Ada L.`)",
    example: 'Ada L.',
  })
  authorName!: string;

  @ApiProperty({ type: 'integer', minimum: 1, maximum: 5 })
  rating!: number;

  title!: string;

  text!: string;

  @ApiProperty({
    description: 'Always true: only customers with a delivered order of the product can review it',
  })
  verifiedPurchase!: boolean;

  @ApiProperty({
    enum: REVIEW_STATUSES,
    enumName: 'ReviewStatus',
    description: 'Others than the author and staff only ever see `approved` reviews',
  })
  status!: ReviewStatus;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    description: 'Author and staff only: the moderator’s note',
  })
  moderationNote?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Author and staff only',
  })
  moderatedAt?: string | null;

  @ApiPropertyOptional({ format: 'uuid', description: 'Author and staff only: the author' })
  userId?: string;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
