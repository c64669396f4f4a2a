import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { PAYMENT_RECORD_STATUSES, type PaymentRecordStatus } from '../payment.entity.js';
import type { EventResult } from '../payment-events.service.js';
import { REFUND_STATUSES, type RefundStatus } from '../refund.entity.js';

export class RefundDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: 'integer', description: 'Minor units of `currency`' })
  amount!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiProperty({
    enum: REFUND_STATUSES,
    enumName: 'RefundStatus',
    description:
      '`pending` while the provider has not confirmed it (retried automatically), `failed` when it refused (the amount is refundable again)',
  })
  status!: RefundStatus;

  reason!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class PaymentDto {
  @ApiProperty({ example: 'stripe', description: 'Who takes the payment: `manual` or `stripe`' })
  provider!: string;

  @ApiProperty({
    enum: PAYMENT_RECORD_STATUSES,
    enumName: 'PaymentState',
    description:
      "The payment at the provider: `pending` (not paid yet), `succeeded`, `failed` (the customer may try again with the same client secret), `canceled`. The order's `paymentStatus` also says what was refunded.",
  })
  status!: PaymentRecordStatus;

  @ApiPropertyOptional({
    description:
      "Stripe: the PaymentIntent's client secret for Stripe.js / Elements. Only in the answers to the order's owner (checkout, getOrder) and only while the order can still be paid.",
  })
  clientSecret?: string;

  @ApiProperty({ type: 'integer', description: 'Asked for (the order total), minor units' })
  amount!: number;

  @ApiProperty({ type: 'integer', description: 'Refunded so far (pending refunds included)' })
  amountRefunded!: number;

  @ApiProperty({ type: [RefundDto], description: 'Oldest first' })
  refunds!: RefundDto[];
}

export class RefundOrderDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description: 'Minor units; absent: everything paid and not refunded yet',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  amount?: number;

  @ApiPropertyOptional({ maxLength: 500, description: 'Kept with the refund' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

/** What the shop answers Stripe (Stripe only looks at the 2xx). */
export class WebhookReceiptDto {
  @ApiProperty({ example: true })
  received!: true;

  @ApiProperty({
    enum: ['applied', 'duplicate', 'ignored', 'unknown_payment'],
    description:
      '`applied` the first time, `duplicate` for an event id already applied, `ignored` for a type the shop does not act on, `unknown_payment` for a payment that is not this shop’s',
  })
  result!: EventResult;
}
