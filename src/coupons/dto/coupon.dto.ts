import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination.js';
import { QueryBoolean, Trim } from '@/common/query-transforms.js';
import { type Coupon, DISCOUNT_TYPES, type DiscountType } from '../coupon.entity.js';

/** Money columns are PostgreSQL `integer`. */
const MAX_AMOUNT = 2_147_483_647;
export const COUPON_CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{2,49}$/;

/** Present: not null. Absent: left as is (or the default). */
const NotNull = (): PropertyDecorator => ValidateIf((_, v) => v !== undefined);
/** Absent or `null` (no limit / no bound): skip the other checks. */
const Nullable = (): PropertyDecorator => ValidateIf((_, v) => v !== null && v !== undefined);

export class CreateCouponDto {
  @ApiProperty({
    example: 'SPRING-25',
    minLength: 3,
    maxLength: 50,
    pattern: COUPON_CODE.source,
    description:
      'Letters, digits, `-` and `_`; unique ignoring case (customers may type it in any case)',
  })
  @Trim()
  @IsString()
  @Matches(COUPON_CODE, {
    message: 'code must be 3–50 letters, digits, "-" or "_", starting with a letter or digit',
  })
  code!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 500, description: 'For staff' })
  @Nullable()
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiProperty({ enum: DISCOUNT_TYPES, enumName: 'DiscountType' })
  @IsIn(DISCOUNT_TYPES)
  discountType!: DiscountType;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: '`percentage`: a whole percent, 1–100. `fixed`: minor units of the store currency',
    example: 25,
  })
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  discountValue!: number;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Valid from (inclusive); `null` = already valid',
  })
  @Nullable()
  @IsISO8601({ strict: true })
  startsAt?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Valid until (exclusive), later than `startsAt`; `null` = never expires',
  })
  @Nullable()
  @IsISO8601({ strict: true })
  endsAt?: string | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 0,
    maximum: MAX_AMOUNT,
    description: 'Smallest cart subtotal (minor units, before discount) it applies to',
  })
  @Nullable()
  @IsInt()
  @Min(0)
  @Max(MAX_AMOUNT)
  minOrderAmount?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'The most it takes off an order (minor units)',
  })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  maxDiscountAmount?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'Uses in total (cancelled orders give theirs back); `null` = unlimited',
  })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  usageLimit?: number | null;

  @ApiPropertyOptional({
    type: 'integer',
    nullable: true,
    minimum: 1,
    maximum: MAX_AMOUNT,
    description: 'Uses per customer; `null` = unlimited',
  })
  @Nullable()
  @IsInt()
  @Min(1)
  @Max(MAX_AMOUNT)
  perUserLimit?: number | null;

  @ApiPropertyOptional({ default: true })
  @NotNull()
  @IsBoolean()
  isActive?: boolean;
}

export class UpdateCouponDto extends PartialType(CreateCouponDto, {
  skipNullProperties: false, // `code: null` is a 400, not a NOT NULL violation
}) {}

export class ListCouponsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Part of the code (any case)', maxLength: 50 })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(50)
  q?: string;

  @ApiPropertyOptional({ description: 'Only active (`true`) or inactive (`false`) coupons' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  active?: boolean;
}

/** A coupon code a customer typed (checkout, validation). */
export class ApplyCouponDto {
  @ApiProperty({ example: 'SPRING-25', maxLength: 50, description: 'Any case' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  code!: string;
}

export class CouponDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: 'SPRING-25' })
  code!: string;

  description!: string | null;

  @ApiProperty({ enum: DISCOUNT_TYPES, enumName: 'DiscountType' })
  discountType!: DiscountType;

  @ApiProperty({ type: 'integer', description: 'A whole percent, or minor units' })
  discountValue!: number;

  @ApiProperty({ example: 'USD', description: 'Currency of the amounts' })
  currency!: string;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  startsAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  endsAt!: string | null;

  @ApiProperty({ type: 'integer', nullable: true })
  minOrderAmount!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  maxDiscountAmount!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  usageLimit!: number | null;

  @ApiProperty({ type: 'integer', nullable: true })
  perUserLimit!: number | null;

  @ApiProperty({ type: 'integer', description: 'Uses held by orders (cancelled ones excluded)' })
  timesUsed!: number;

  isActive!: boolean;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export function toCouponDto(coupon: Coupon, timesUsed: number, currency: string): CouponDto {
  return {
    id: coupon.id,
    code: coupon.code,
    description: coupon.description,
    discountType: coupon.discountType,
    discountValue: coupon.discountValue,
    currency,
    startsAt: coupon.startsAt?.toISOString() ?? null,
    endsAt: coupon.endsAt?.toISOString() ?? null,
    minOrderAmount: coupon.minOrderAmount,
    maxDiscountAmount: coupon.maxDiscountAmount,
    usageLimit: coupon.usageLimit,
    perUserLimit: coupon.perUserLimit,
    timesUsed,
    isActive: coupon.isActive,
    createdAt: coupon.createdAt.toISOString(),
    updatedAt: coupon.updatedAt.toISOString(),
  };
}
