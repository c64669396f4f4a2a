import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { QueryBoolean, QueryInt } from '@/common/query-transforms.js';
import type { Notification } from '../notification.entity.js';

export const NOTIFICATION_TYPES = ['order_status_update', 'order_created'] as const;

export class ListNotificationsQueryDto {
  @ApiPropertyOptional({ description: 'Only unread ones' })
  @IsOptional()
  @QueryBoolean()
  @IsBoolean()
  unread?: boolean;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Catch-up cursor: only notifications strictly newer than this id, oldest first',
  })
  @IsOptional()
  @IsUUID()
  after?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 1, maximum: 100, default: 20 })
  @IsOptional()
  @QueryInt()
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;
}

export class NotificationDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Time-ordered: a newer notification has a greater id',
  })
  id!: string;

  @ApiProperty({ enum: NOTIFICATION_TYPES, enumName: 'NotificationType' })
  type!: string;

  @ApiProperty({ example: 'Order #100042 shipped' })
  title!: string;

  message!: string;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      '`order_status_update`: {orderId, orderNumber, oldStatus, newStatus}; `order_created`: {orderId, orderNumber, total, currency}',
  })
  data!: Record<string, unknown>;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  readAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export class NotificationListDto {
  items!: NotificationDto[];
}

export class UnreadCountDto {
  @ApiProperty({ type: 'integer' })
  count!: number;
}

export function toNotificationDto(n: Notification): NotificationDto {
  return {
    id: n.id,
    type: n.type,
    title: n.title,
    message: n.message,
    data: n.data,
    readAt: n.readAt?.toISOString() ?? null,
    createdAt: n.createdAt.toISOString(),
  };
}
