import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { Trim } from '@/common/query-transforms.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '@/outbox/outbox-event-types.js';
import type { WebhookEndpoint } from '../webhook-endpoint.entity.js';

const TARGET_URL = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
  allow_underscores: true,
  disallow_auth: true,
};
const URL_DESCRIPTION =
  'http(s) URL of the receiver, without credentials, at most 2,048 characters. Private, loopback and link-local targets are refused (422 `WEBHOOK_TARGET_FORBIDDEN`; private and loopback ones are allowed only when the server runs with `WEBHOOK_ALLOW_PRIVATE_TARGETS=true`). Redirects are not followed.';

export class CreateWebhookEndpointDto {
  @ApiProperty({
    example: 'https://erp.example.com/hooks/shop',
    maxLength: 2048,
    description: URL_DESCRIPTION,
  })
  @Trim()
  @IsString()
  @MaxLength(2048)
  @IsUrl(TARGET_URL, { message: 'url must be an http(s) URL without user name or password' })
  url!: string;

  @ApiProperty({
    enum: WEBHOOK_EVENT_TYPES,
    enumName: 'WebhookEventType',
    isArray: true,
    description: 'The event types to receive (at least one)',
  })
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events!: WebhookEventType[];

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    maxLength: 500,
    description: 'For admins',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(500)
  description?: string | null;
}

export class UpdateWebhookEndpointDto {
  @ApiPropertyOptional({ maxLength: 2048, description: URL_DESCRIPTION })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2048)
  @IsUrl(TARGET_URL, { message: 'url must be an http(s) URL without user name or password' })
  url?: string;

  @ApiPropertyOptional({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayMaxSize(WEBHOOK_EVENT_TYPES.length)
  @ArrayUnique()
  @IsIn(WEBHOOK_EVENT_TYPES, { each: true })
  events?: WebhookEventType[];

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    maxLength: 500,
    description: '`null` clears it',
  })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsString()
  @MaxLength(500)
  description?: string | null;

  @ApiPropertyOptional({
    description:
      '`false` disables the endpoint (its pending deliveries are cancelled); `true` enables it again and clears its failure streak. Failed deliveries come back only by `redeliverWebhook`.',
  })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  url!: string;

  description!: string | null;

  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES, enumName: 'WebhookEventType', isArray: true })
  events!: WebhookEventType[];

  @ApiProperty({ description: 'Disabled endpoints receive nothing' })
  enabled!: boolean;

  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  disabledAt!: string | null;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description:
      'Why it is disabled: `disabled by an admin`, `receiver answered 410 Gone`, or `failing since <time> (<n> days): last error <…>`',
  })
  disabledReason!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'First failure of the current failing streak; `null` after a success',
  })
  failingSince!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'After a rotation: until when the previous secret still signs too',
  })
  previousSecretExpiresAt!: string | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class WebhookEndpointWithSecretDto extends WebhookEndpointDto {
  @ApiProperty({
    example: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    description:
      'The signing secret (Standard Webhooks, `whsec_` + base64). Shown only now: store it with the receiver.',
  })
  secret!: string;
}

export class WebhookSecretDto {
  @ApiProperty({ description: 'The new signing secret. Shown only now.' })
  secret!: string;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'Until when the previous secret still signs too (`null`: it stopped at once)',
  })
  previousSecretExpiresAt!: string | null;
}

export function toWebhookEndpointDto(endpoint: WebhookEndpoint): WebhookEndpointDto {
  const rotating =
    endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > new Date()
      ? endpoint.previousSecretExpiresAt.toISOString()
      : null;
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.eventTypes,
    enabled: endpoint.enabled,
    disabledAt: endpoint.disabledAt?.toISOString() ?? null,
    disabledReason: endpoint.disabledReason,
    failingSince: endpoint.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt: rotating,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}
