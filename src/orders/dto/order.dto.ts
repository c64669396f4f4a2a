import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AddressDto } from '@/common/address.js';
import { PageQueryDto } from '@/common/pagination.js';
import { Trim } from '@/common/query-transforms.js';
import {
  ORDER_STATUSES,
  type OrderStatus,
  PAYMENT_STATUSES,
  type PaymentStatus,
} from '../order-state-machine.js';

export class CheckoutDto {
  @ApiProperty({ type: () => AddressDto })
  @IsObject() // @ValidateNested() alone accepts a missing address, or an array of addresses
  @ValidateNested()
  @Type(() => AddressDto)
  shippingAddress!: AddressDto;

  @ApiPropertyOptional({ type: () => AddressDto, description: 'Defaults to the shipping address' })
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

  @ApiProperty()
  sku!: string;

  @ApiProperty()
  name!: string;

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

  @ApiProperty({ type: 'string', nullable: true })
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

  @ApiProperty({ format: 'uuid', description: 'The customer' })
  userId!: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  status!: OrderStatus;

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  paymentStatus!: PaymentStatus;

  @ApiProperty({ type: [OrderItemDto] })
  items!: OrderItemDto[];

  @ApiProperty({ type: 'integer' })
  subtotal!: number;

  @ApiProperty({ type: 'integer' })
  shippingAmount!: number;

  @ApiProperty({ type: 'integer' })
  taxAmount!: number;

  @ApiProperty({ type: 'integer' })
  discountAmount!: number;

  @ApiProperty({
    type: 'integer',
    description: 'subtotal + shipping + tax − discount, minor units',
  })
  total!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({ type: () => AddressDto })
  shippingAddress!: AddressDto;

  @ApiProperty({ type: () => AddressDto })
  billingAddress!: AddressDto;

  @ApiProperty({ type: 'string', nullable: true })
  notes!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  trackingNumber!: string | null;

  @ApiProperty({ type: [OrderHistoryEntryDto], description: 'Oldest first' })
  history!: OrderHistoryEntryDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}
