import type { Type } from '@nestjs/common';
import { ApiProperty, type PathItemObject } from '@nestjs/swagger';
import { AddressDto } from '@/common/address.js';
import type {
  ChangedBy,
  CustomerPayloadV1,
  OrderCreatedDataV1,
  OrderLinePayloadV1,
  OrderPaidDataV1,
  OrderPayloadV1,
  OrderRefundedDataV1,
  OrderStatusChangedDataV1,
} from '@/orders/events/order-webhook-payload.js';
import {
  ORDER_STATUSES,
  type OrderStatus,
  PAYMENT_STATUSES,
  type PaymentStatus,
} from '@/orders/order-state-machine.js';

/*
 * The webhook bodies, for the OpenAPI document only (`webhooks`): each class implements the
 * payload contract of orders/events/order-webhook-payload.ts, so the compiler keeps them equal.
 */

export class OrderLineWebhookDto implements OrderLinePayloadV1 {
  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty({ type: 'string', format: 'uuid', nullable: true })
  variantId!: string | null;

  sku!: string;

  name!: string;

  @ApiProperty({ type: 'string', nullable: true, example: 'Red / L' })
  variantName!: string | null;

  @ApiProperty({ type: 'integer', description: 'Minor units' })
  unitPrice!: number;

  @ApiProperty({ type: 'integer' })
  quantity!: number;

  @ApiProperty({ type: 'integer', description: 'Minor units' })
  lineTotal!: number;
}

export class OrderWebhookDto implements OrderPayloadV1 {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '1042', description: 'The order number customers see' })
  number!: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  status!: OrderStatus;

  @ApiProperty({ enum: PAYMENT_STATUSES, enumName: 'PaymentStatus' })
  paymentStatus!: PaymentStatus;

  @ApiProperty({ example: 'USD', description: 'ISO 4217; every amount is in its minor units' })
  currency!: string;

  @ApiProperty({ type: 'integer' })
  subtotal!: number;

  @ApiProperty({ type: 'integer' })
  discountAmount!: number;

  @ApiProperty({ type: 'integer' })
  shippingAmount!: number;

  @ApiProperty({ type: 'integer' })
  taxAmount!: number;

  @ApiProperty({ type: 'integer' })
  total!: number;

  couponCode!: string | null;

  shippingAddress!: AddressDto;

  billingAddress!: AddressDto;

  trackingNumber!: string | null;

  items!: OrderLineWebhookDto[];

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class WebhookCustomerDto implements CustomerPayloadV1 {
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: 'The account; null for a guest order that no account has claimed',
  })
  id!: string | null;

  @ApiProperty({
    format: 'email',
    description: "The account's address, or a guest order's contact address",
  })
  email!: string;
}

export class OrderCreatedWebhookDataDto implements OrderCreatedDataV1 {
  @ApiProperty({
    type: OrderWebhookDto,
    description: 'The order as it was when the event happened',
  })
  order!: OrderWebhookDto;

  customer!: WebhookCustomerDto;
}

export class OrderStatusChangedWebhookDataDto
  extends OrderCreatedWebhookDataDto
  implements OrderStatusChangedDataV1
{
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  previousStatus!: OrderStatus;

  @ApiProperty({
    enum: ['customer', 'staff', 'system'],
    enumName: 'WebhookChangedBy',
    description: 'The customer (cancelling their order), staff, or the system',
  })
  changedBy!: ChangedBy;
}

export class WebhookPaymentDto {
  @ApiProperty({ example: 'stripe', description: 'Who took the payment: `manual` or `stripe`' })
  provider!: string;

  @ApiProperty({ type: 'integer', description: 'Minor units (the order total)' })
  amount!: number;
}

export class OrderPaidWebhookDataDto extends OrderCreatedWebhookDataDto implements OrderPaidDataV1 {
  payment!: WebhookPaymentDto;
}

export class WebhookRefundDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: 'integer', description: 'This refund, minor units' })
  amount!: number;

  reason!: string | null;
}

export class OrderRefundedWebhookDataDto
  extends OrderCreatedWebhookDataDto
  implements OrderRefundedDataV1
{
  refund!: WebhookRefundDto;

  @ApiProperty({
    type: 'integer',
    description: 'Every refund of the order so far, this one included',
  })
  refundedTotal!: number;
}

/** The envelope every webhook body has; `data` depends on `type` (and its `version`). */
abstract class WebhookEnvelopeDto {
  @ApiProperty({
    format: 'uuid',
    description:
      'The event: the same for every endpoint that receives it. Deduplicate on the `webhook-id` header (one per event and endpoint).',
  })
  id!: string;

  @ApiProperty({
    type: 'integer',
    example: 1,
    description: 'Version of the `data` schema of this `type`; a breaking change raises it',
  })
  version!: number;

  @ApiProperty({ format: 'date-time', description: 'When the event happened' })
  timestamp!: string;
}

export class OrderCreatedWebhookDto extends WebhookEnvelopeDto {
  @ApiProperty({ enum: ['order.created'] })
  type!: 'order.created';

  data!: OrderCreatedWebhookDataDto;
}

export class OrderStatusChangedWebhookDto extends WebhookEnvelopeDto {
  @ApiProperty({ enum: ['order.status_changed'] })
  type!: 'order.status_changed';

  data!: OrderStatusChangedWebhookDataDto;
}

export class OrderPaidWebhookDto extends WebhookEnvelopeDto {
  @ApiProperty({ enum: ['order.paid'] })
  type!: 'order.paid';

  data!: OrderPaidWebhookDataDto;
}

export class OrderRefundedWebhookDto extends WebhookEnvelopeDto {
  @ApiProperty({ enum: ['order.refunded'] })
  type!: 'order.refunded';

  data!: OrderRefundedWebhookDataDto;
}

/** Schemas the `webhooks` section refers to (extra models of the document). */
export const WEBHOOK_PAYLOAD_MODELS: Type[] = [
  OrderCreatedWebhookDto,
  OrderStatusChangedWebhookDto,
  OrderPaidWebhookDto,
  OrderRefundedWebhookDto,
];

const SIGNATURE_HEADERS = [
  {
    name: 'webhook-id',
    description:
      '`msg_<delivery id>`: one per event and endpoint, the same on every retry and redelivery. Deduplicate on it.',
    example: 'msg_0b6b6c2e-8b1e-4b8e-9a55-3f5f3c1e2a10',
  },
  {
    name: 'webhook-timestamp',
    description: 'Unix seconds of this attempt (signed); refuse ones more than 5 minutes off',
    example: '1796628983',
  },
  {
    name: 'webhook-signature',
    description:
      'Space-separated `v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">` with the endpoint secret (two during a secret rotation). Verify with a Standard Webhooks library.',
    example: 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=',
  },
].map(({ name, description, example }) => ({
  name,
  in: 'header' as const,
  required: true,
  description,
  schema: { type: 'string' as const, example },
}));

function webhook(
  operationId: string,
  summary: string,
  description: string,
  schema: string,
): PathItemObject {
  return {
    post: {
      operationId,
      tags: ['webhooks'],
      summary,
      description: `${description} Signed per the Standard Webhooks specification; see docs/api/webhooks.md.`,
      // The receiver checks the signature headers, not a credential of ours.
      security: [],
      parameters: SIGNATURE_HEADERS,
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { $ref: `#/components/schemas/${schema}` } } },
      },
      responses: {
        '200': { description: 'Received: any 2xx ends the delivery (the body is ignored)' },
        '410': { description: 'Gone: the endpoint is disabled at once, nothing more is sent' },
        default: {
          description:
            'Anything else (also a redirect, a timeout or no answer): retried with exponential backoff and jitter',
        },
      },
    },
  };
}

/** The document's `webhooks` (OpenAPI 3.1): what an endpoint receives, by event type. */
export const WEBHOOKS_DOCUMENT: Record<string, PathItemObject> = {
  'order.created': webhook(
    'orderCreatedWebhook',
    'An order was placed',
    'Sent once the checkout committed, with the order as it was then.',
    'OrderCreatedWebhookDto',
  ),
  'order.status_changed': webhook(
    'orderStatusChangedWebhook',
    "An order's status changed",
    'Sent once the change committed, with the order after it, its previous status and who made the change.',
    'OrderStatusChangedWebhookDto',
  ),
  'order.paid': webhook(
    'orderPaidWebhook',
    'An order was paid',
    'Sent once its payment status turned `paid`: staff confirmed a manual-payment order, or the online provider reported the payment.',
    'OrderPaidWebhookDto',
  ),
  'order.refunded': webhook(
    'orderRefundedWebhook',
    'Money was given back on an order',
    'Sent once per refund, when it is made (manual: when staff record it; Stripe: when Stripe confirmed it, or reported one made in its dashboard).',
    'OrderRefundedWebhookDto',
  ),
};
