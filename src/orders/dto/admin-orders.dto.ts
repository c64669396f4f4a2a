import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  registerDecorator,
  type ValidationArguments,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import {
  ORDER_STATUSES,
  type OrderStatus,
  PAYMENT_STATUSES,
  type PaymentStatus,
} from '../order-state-machine.js';
import { ORDER_DATE_FORMAT, parseOrderDateBound } from '../order-list-filters.js';
import { ListOrdersQueryDto } from './order.dto.js';

/** The most orders one `bulkUpdateOrderStatus` request may move. */
export const MAX_BULK_ORDERS = 100;

/** A `createdFrom` / `createdTo` value: a date or a date-time with an offset (order-list-filters). */
function IsOrderDateBound(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isOrderDateBound',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && parseOrderDateBound(value, 'start') !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} must be ${ORDER_DATE_FORMAT}`,
      },
    });
}

/** `createdTo` may not come before `createdFrom` (each read as the instant it stands for). */
function IsNotBeforeCreatedFrom(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotBeforeCreatedFrom',
      target: target.constructor,
      propertyName: String(propertyName),
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => {
          const from = (args?.object as { createdFrom?: unknown } | undefined)?.createdFrom;
          if (typeof value !== 'string' || typeof from !== 'string') return true;
          const start = parseOrderDateBound(from, 'start');
          const end = parseOrderDateBound(value, 'end');
          // A malformed bound is reported by its own format check, not here.
          return start === undefined || end === undefined || start <= end;
        },
        defaultMessage: () => 'createdTo must not be before createdFrom',
      },
    });
}

/**
 * `listOrders`' query with the date-range and payment filters. Every filter narrows the caller's
 * own view: staff filter all orders, customers their own.
 */
export class FilterOrdersQueryDto extends ListOrdersQueryDto {
  @ApiPropertyOptional({
    type: 'string',
    description:
      'Orders created at or after this instant. A date alone (`2026-11-01`) starts at 00:00 UTC; a date-time needs a time zone (`Z` or `±hh:mm`).',
    example: '2026-11-01',
  })
  @IsOptional()
  @IsOrderDateBound()
  createdFrom?: string;

  @ApiPropertyOptional({
    type: 'string',
    description:
      'Orders created at or before this instant (inclusive). A date alone (`2026-11-30`) covers that whole UTC day. Must not be before `createdFrom` (400).',
    example: '2026-11-30T17:30:00Z',
  })
  @IsOptional()
  @IsNotBeforeCreatedFrom()
  @IsOrderDateBound()
  createdTo?: string;

  @ApiPropertyOptional({
    enum: PAYMENT_STATUSES,
    enumName: 'PaymentStatus',
    description: 'Only orders with this payment status',
  })
  @IsOptional()
  @IsIn(PAYMENT_STATUSES)
  paymentStatus?: PaymentStatus;
}

export class BulkUpdateOrderStatusDto {
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    isArray: true,
    minItems: 1,
    maxItems: MAX_BULK_ORDERS,
    uniqueItems: true,
    description: `The orders to move, 1–${MAX_BULK_ORDERS}, no repeats; processed in this order`,
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_ORDERS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  orderIds!: string[];

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', description: 'Target status' })
  @IsIn(ORDER_STATUSES)
  status!: OrderStatus;

  @ApiPropertyOptional({
    maxLength: 1000,
    description: "Kept in every moved order's history",
  })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;

  @ApiPropertyOptional({
    maxLength: 100,
    description:
      'Set on every moved order (e.g. one consolidated shipment); for distinct numbers use `updateOrderStatus` per order',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  trackingNumber?: string;
}

export const BULK_RESULTS = ['updated', 'failed'] as const;
export type BulkResult = (typeof BULK_RESULTS)[number];

/** Why one order of a bulk change was not moved: what the single change would have answered. */
export class BulkOrderErrorDto {
  @ApiProperty({
    type: 'integer',
    example: 409,
    description: 'The status `updateOrderStatus` would have answered',
  })
  statusCode!: number;

  @ApiProperty({
    description:
      'Stable code: `NOT_FOUND`, `ILLEGAL_ORDER_TRANSITION`, `ORDER_ALREADY_IN_STATUS`, `ORDER_CHANGED`, …',
    example: 'ILLEGAL_ORDER_TRANSITION',
  })
  code!: string;

  @ApiProperty({ example: 'An order cannot move from shipped to cancelled' })
  message!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'What the client needs to react, e.g. `{from, to}` of a refused transition',
  })
  details!: unknown;
}

export class BulkOrderStatusResultDto {
  @ApiProperty({ format: 'uuid' })
  orderId!: string;

  @ApiProperty({ enum: BULK_RESULTS, enumName: 'BulkOrderStatusOutcome' })
  result!: BulkResult;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The order number (updated orders)',
    example: '100042',
  })
  number!: string | null;

  @ApiProperty({
    enum: ORDER_STATUSES,
    enumName: 'OrderStatus',
    nullable: true,
    description: 'The status after the change (updated orders)',
  })
  status!: OrderStatus | null;

  @ApiProperty({
    enum: PAYMENT_STATUSES,
    enumName: 'PaymentStatus',
    nullable: true,
    description: 'The payment status after the change (updated orders)',
  })
  paymentStatus!: PaymentStatus | null;

  @ApiProperty({ type: () => BulkOrderErrorDto, nullable: true, description: 'Failed orders' })
  error!: BulkOrderErrorDto | null;
}

export class BulkUpdateOrderStatusResponseDto {
  @ApiProperty({
    type: [BulkOrderStatusResultDto],
    description: 'One result per requested order, in the order of `orderIds`',
  })
  items!: BulkOrderStatusResultDto[];

  @ApiProperty({ type: 'integer', description: 'How many orders were moved' })
  updated!: number;

  @ApiProperty({ type: 'integer', description: 'How many were not' })
  failed!: number;
}
