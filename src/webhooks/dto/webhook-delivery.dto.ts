import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto } from '@/common/pagination.js';
import { DELIVERY_STATUSES, type DeliveryStatus } from '../webhook-delivery.entity.js';
import { DELIVERY_RESULTS, type DeliveryResult } from '../webhook-http.js';

export class ListWebhookDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export class WebhookDeliveryAttemptDto {
  @ApiProperty({ type: 'integer', description: '1 for the first attempt' })
  attempt!: number;

  @ApiProperty({ format: 'date-time' })
  startedAt!: string;

  @ApiProperty({ type: 'integer' })
  durationMs!: number;

  @ApiProperty({ enum: DELIVERY_RESULTS, enumName: 'WebhookAttemptResult' })
  result!: DeliveryResult;

  @ApiProperty({ type: 'integer', nullable: true, description: '`null`: no HTTP answer' })
  statusCode!: number | null;

  error!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The first 2 KiB of the receiver’s answer',
  })
  responseBody!: string | null;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'The delivery (for `redeliverWebhook`)' })
  id!: string;

  @ApiProperty({
    example: 'msg_0b6b6c2e-8b1e-4b8e-9a55-3f5f3c1e2a10',
    description: 'The `webhook-id` header of every attempt: receivers deduplicate on it',
  })
  webhookId!: string;

  @ApiProperty({ format: 'uuid', description: 'The event (`id` in the body)' })
  eventId!: string;

  @ApiProperty({ example: 'order.created' })
  eventType!: string;

  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' })
  status!: DeliveryStatus;

  @ApiProperty({ type: 'integer' })
  attempts!: number;

  @ApiProperty({ type: 'integer', nullable: true })
  lastStatusCode!: number | null;

  lastError!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  lastAttemptAt!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'When the next attempt is due (pending or retrying deliveries)',
  })
  nextAttemptAt!: string | null;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  succeededAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({
    type: [WebhookDeliveryAttemptDto],
    description: 'The last attempts, newest first (at most 5)',
  })
  attemptLog!: WebhookDeliveryAttemptDto[];
}
