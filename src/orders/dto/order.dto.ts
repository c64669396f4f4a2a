import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AddressDto } from '@/common/address.js';
import { PageQueryDto } from '@/common/pagination.js';
import { Trim } from '@/common/query-transforms.js';
import { PaymentDto } from '@/payments/dto/payment.dto.js';
import {
  ORDER_STATUSES,
  type OrderStatus,
  PAYMENT_STATUSES,
  type PaymentStatus,
} from '../order-state-machine.js';

export class CheckoutDto {
  @ApiPropertyOptional({
    type: () => AddressDto,
    description:
      'Defaults to your default shipping address (address book, then the one saved with updateMe); 400 when you have none',
  })
  @ValidateIf((_, value) => value !== undefined) // null is still a 400
  @IsObject() // @ValidateNested() alone accepts an array of addresses
  @ValidateNested()
  @Type(() => AddressDto)
  shippingAddress?: AddressDto;

  @ApiPropertyOptional({
    type: () => AddressDto,
    description: 'Defaults to your default billing address, then to the shipping address',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  billingAddress?: AddressDto;

  @ApiPropertyOptional({ maxLength: 1000, example: 'Leave at the back door' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  notes?: string;

  @ApiPropertyOptional({
    maxLength: 50,
    example: 'SPRING-25',
    description:
      'A coupon to apply (any case). An unknown or inactive code is a 404 `COUPON_NOT_FOUND`; one that cannot apply now a 422 whose `code` says why. Part of the Idempotency-Key body.',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  couponCode?: string;
}

export class UpdateOrderStatusDto {
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  @IsIn(ORDER_STATUSES)
  status!: OrderStatus;

  @ApiPropertyOptional({ maxLength: 1000, description: 'Kept in the order history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({
    maxLength: 100,
    description: 'Carrier tracking number (typically with `shipped`)',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  trackingNumber?: string;
}

export class CancelOrderDto {
  @ApiPropertyOptional({ maxLength: 1000, description: 'Why: kept in the order history' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}

export class ListOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    enum: ORDER_STATUSES,
    enumName: 'OrderStatus',
    description: 'Staff: filter by status',
  })
  @IsOptional()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiPropertyOptional({ format: 'uuid', description: "Staff: one customer's orders" })
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class OrderItemDto {
  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The variant bought; `null` for a product without variants',
  })
  variantId!: string | null;

  @ApiProperty({
    description: "As at checkout: the variant's SKU for a variant, else the product's",
  })
  sku!: string;

  @ApiProperty({ description: "The product's name, as at checkout" })
  name!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    example: 'Red / L',
    description: "The variant's name as at checkout; `null` without a variant",
  })
  variantName!: string | null;

  @ApiProperty({ type: 'integer', description: 'Minor units, as at checkout' })
  unitPrice!: number;

  @ApiProperty({ type: 'integer' })
  quantity!: number;

  @ApiProperty({ type: 'integer', description: 'Minor units' })
  lineTotal!: number;
}

export class OrderHistoryEntryDto {
  @ApiProperty({
    enum: ORDER_STATUSES,
    enumName: 'OrderStatus',
    nullable: true,
    description: '`null` for the creation',
  })
  from!: OrderStatus | null;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  to!: OrderStatus;

  @ApiProperty({ format: 'date-time' })
  at!: string;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'Who made the change',
  })
  by!: string | null;

  note!: string | null;
}

export class OrderDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    description: 'Human-readable order number: digits, unique, increasing',
    example: '100042',
  })
  number!: string;

  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description:
      "The customer's account; null for a guest order until an account that verified the same address claims it",
  })
  userId!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'email',
    nullable: true,
    description: "A guest order's contact address (kept once an account claims it); null otherwise",
  })
  guestEmail!: string | null;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  status!: OrderStatus;

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  paymentStatus!: PaymentStatus;

  items!: OrderItemDto[];

  @ApiProperty({ type: 'integer' })
  subtotal!: number;

  @ApiProperty({ type: 'integer' })
  shippingAmount!: number;

  @ApiProperty({ type: 'integer' })
  taxAmount!: number;

  @ApiProperty({ type: 'integer', description: "The coupon's discount, minor units" })
  discountAmount!: number;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The coupon code applied at checkout (`discountAmount` is its discount), or null',
  })
  couponCode!: string | null;

  @ApiProperty({
    type: 'integer',
    description: 'subtotal + shipping + tax − discount, minor units',
  })
  total!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  shippingAddress!: AddressDto;

  billingAddress!: AddressDto;

  notes!: string | null;

  trackingNumber!: string | null;

  @ApiProperty({ type: [OrderHistoryEntryDto], description: 'Oldest first' })
  history!: OrderHistoryEntryDto[];

  @ApiProperty({
    type: () => PaymentDto,
    description: "The order's payment with its provider (`PAYMENT_PROVIDER`) and its refunds",
  })
  payment!: PaymentDto;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
