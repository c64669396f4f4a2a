import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto, PageQueryDto } from '@/common/pagination.js';
import { ListWebhookDeliveriesQueryDto, WebhookDeliveryDto } from './dto/webhook-delivery.dto.js';
import {
  CreateWebhookEndpointDto,
  UpdateWebhookEndpointDto,
  WebhookEndpointDto,
  WebhookEndpointWithSecretDto,
  WebhookSecretDto,
} from './dto/webhook-endpoint.dto.js';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';

/**
 * Outgoing webhooks (admins only): endpoints receive signed `POST`s (Standard Webhooks) for the
 * event types they subscribe to, retried with backoff; the payloads are `x-webhooks` in the
 * OpenAPI document and described in docs/api/webhooks.md.
 */
@ApiTags('webhooks')
@Roles('admin')
@Controller('api/webhooks')
export class WebhooksController {
  constructor(
    private readonly endpoints: WebhookEndpointsService,
    private readonly deliveries: WebhookDeliveriesService,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Register a webhook endpoint (admin)',
    description:
      'The answer carries the signing secret (`whsec_…`), shown this once. Deliveries are signed per the Standard Webhooks specification (`webhook-id`, `webhook-timestamp`, `webhook-signature`). Private and loopback targets are refused unless the server allows them; link-local ones (cloud metadata) always are (422 `WEBHOOK_TARGET_FORBIDDEN`).',
  })
  @ApiCreatedResponse({ type: WebhookEndpointWithSecretDto })
  @ApiBodyErrors()
  @ApiErrors(422)
  createWebhookEndpoint(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateWebhookEndpointDto,
  ): Promise<WebhookEndpointWithSecretDto> {
    return this.endpoints.create(actor, dto);
  }

  @Get()
  @ApiOperation({
    summary: 'List webhook endpoints (admin)',
    description: 'Oldest first, without secrets; disabled ones say why.',
  })
  @ApiOkResponse({ type: PageDto(WebhookEndpointDto) })
  @ApiErrors(400)
  listWebhookEndpoints(@Query() query: PageQueryDto): Promise<Page<WebhookEndpointDto>> {
    return this.endpoints.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A webhook endpoint (admin)' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiErrors(400, 404)
  getWebhookEndpoint(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookEndpointDto> {
    return this.endpoints.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Change a webhook endpoint (admin)',
    description:
      'Every field optional. `enabled: false` disables it and cancels its open deliveries; `enabled: true` re-enables it and clears its failure streak.',
  })
  @ApiOkResponse({ type: WebhookEndpointDto })
  @ApiBodyErrors()
  @ApiErrors(404, 422)
  updateWebhookEndpoint(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateWebhookEndpointDto,
  ): Promise<WebhookEndpointDto> {
    return this.endpoints.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete a webhook endpoint (admin)',
    description: 'With its delivery log; nothing more is sent to it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async deleteWebhookEndpoint(@Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.endpoints.delete(id);
  }

  @Post(':id/secret')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Rotate the signing secret of a webhook endpoint (admin)',
    description:
      'The new secret is shown this once. For `WEBHOOK_SECRET_ROTATION_GRACE` (24 h) deliveries carry a signature with each secret, so the receiver can switch without refusing any.',
  })
  @ApiOkResponse({ type: WebhookSecretDto })
  @ApiErrors(400, 404)
  rotateWebhookSecret(@Param('id', ParseUUIDPipe) id: string): Promise<WebhookSecretDto> {
    return this.endpoints.rotateSecret(id);
  }

  @Get(':id/deliveries')
  @ApiOperation({
    summary: 'List the deliveries of a webhook endpoint (admin)',
    description:
      'Newest first: status, attempts, the last status code and error, when the next attempt is due, and the last attempts.',
  })
  @ApiOkResponse({ type: PageDto(WebhookDeliveryDto) })
  @ApiErrors(400, 404)
  listWebhookDeliveries(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: ListWebhookDeliveriesQueryDto,
  ): Promise<Page<WebhookDeliveryDto>> {
    return this.deliveries.list(id, query);
  }

  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Send a delivery again (admin)',
    description:
      'With the same `webhook-id`, so a receiver that already processed it can tell. Idempotent: while an attempt is queued or running, no second one is made. 409 `WEBHOOK_ENDPOINT_DISABLED` for a disabled endpoint.',
  })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  @ApiErrors(400, 404, 409)
  redeliverWebhook(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('deliveryId', ParseUUIDPipe) deliveryId: string,
  ): Promise<WebhookDeliveryDto> {
    return this.deliveries.redeliver(id, deliveryId);
  }
}
