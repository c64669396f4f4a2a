import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { Payment } from './payment.entity.js';
import { PAYMENT_PROVIDER } from './payment-provider.js';
import { createPaymentProvider } from './payment-providers.js';
import { ProcessedProviderEvent } from './processed-provider-event.entity.js';
import { PaymentsService } from './payments.service.js';
import { Refund } from './refund.entity.js';

/**
 * The payments' tables and the configured provider, with what orders need of them (creating a
 * checkout's payment, the `payment` object of orders). It imports no orders module, so orders
 * can import it; the parts that move orders (webhooks, refunds, timeouts) are in PaymentsModule.
 */
@Module({
  imports: [TypeOrmModule.forFeature([Payment, Refund, ProcessedProviderEvent])],
  providers: [
    {
      provide: PAYMENT_PROVIDER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createPaymentProvider(config.payments),
    },
    PaymentsService,
  ],
  exports: [PaymentsService, PAYMENT_PROVIDER],
})
export class PaymentsCoreModule {}
