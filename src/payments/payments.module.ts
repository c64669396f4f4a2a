import { Module } from '@nestjs/common';
import { OrdersModule } from '@/orders/orders.module.js';
import { PaymentEventsService } from './payment-events.service.js';
import { PaymentTimeoutService } from './payment-timeout.service.js';
import { PaymentsCoreModule } from './payments-core.module.js';
import { RefundsController } from './refunds.controller.js';
import { RefundsService } from './refunds.service.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';

/** Provider events, refunds and unpaid-order timeouts: the payment side of orders. */
@Module({
  imports: [PaymentsCoreModule, OrdersModule],
  controllers: [StripeWebhookController, RefundsController],
  providers: [PaymentEventsService, RefundsService, PaymentTimeoutService],
  exports: [RefundsService, PaymentTimeoutService, PaymentEventsService],
})
export class PaymentsModule {}
