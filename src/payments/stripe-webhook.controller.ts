import { Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '@/common/auth.js';
import { ApiErrors } from '@/common/openapi.js';
import { KeepsRawBody, rawBodyOf } from '@/common/raw-body.js';
import { WebhookReceiptDto } from './dto/payment.dto.js';
import { PaymentEventsService } from './payment-events.service.js';

@ApiTags('payments')
@Controller('api/payments')
export class StripeWebhookController {
  constructor(private readonly events: PaymentEventsService) {}

  @Post('stripe/webhook')
  @Public()
  @HttpCode(200)
  @KeepsRawBody()
  @ApiOperation({
    summary: 'Stripe events (called by Stripe)',
    description:
      'Configure this URL in the Stripe dashboard for `payment_intent.succeeded`, `payment_intent.payment_failed` and `charge.refunded`. The `Stripe-Signature` header is verified over the raw body with `STRIPE_WEBHOOK_SECRET` (missing, wrong or older than 5 minutes → 400 `INVALID_SIGNATURE`). Each event id is applied once; other types answer 200 and are ignored. 404 `PAYMENT_PROVIDER_NOT_CONFIGURED` unless `PAYMENT_PROVIDER=stripe`.',
  })
  @ApiHeader({ name: 'Stripe-Signature', required: true, description: '`t=…,v1=…`' })
  @ApiBody({
    description: 'A Stripe Event object, as Stripe sends it',
    schema: { type: 'object', additionalProperties: true },
  })
  @ApiOkResponse({ type: WebhookReceiptDto })
  @ApiErrors(400, 404, 413, 415)
  async handleStripeWebhook(
    @Req() request: FastifyRequest,
    @Headers('stripe-signature') signature: string | undefined,
  ): Promise<WebhookReceiptDto> {
    const result = await this.events.handleWebhook('stripe', rawBodyOf(request) ?? '', signature);
    return { received: true, result };
  }
}
