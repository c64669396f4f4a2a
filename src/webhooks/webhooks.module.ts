import { Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { WebhookDeliveriesService } from './webhook-deliveries.service.js';
import { WebhookDeliveryWorker } from './webhook-delivery.worker.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookFanoutConsumer } from './webhook-fanout.consumer.js';
import { observeWebhooks } from './webhooks.metrics.js';
import { WebhooksController } from './webhooks.controller.js';

/** Outgoing webhooks: admin endpoints, fan-out of outbox events, signed delivery with retries. */
@Module({
  controllers: [WebhooksController],
  providers: [
    WebhookEndpointsService,
    WebhookDeliveriesService,
    WebhookFanoutConsumer,
    WebhookDeliveryWorker,
  ],
})
export class WebhooksModule implements OnModuleInit, OnModuleDestroy {
  private unobserve?: () => void;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.unobserve = observeWebhooks(this.dataSource);
  }

  onModuleDestroy(): void {
    this.unobserve?.();
  }
}
