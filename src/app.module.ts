import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { AccountsModule, EmailVerificationGateModule } from './accounts/accounts.module.js';
import { CatalogModule } from './catalog/index.js';
import { EventsModule } from './common/events/events.module.js';
import { JobsModule } from './jobs/jobs.module.js';
import { OutboxModule } from './outbox/outbox.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { GuestCartClaimModule } from './orders/guest-cart-claim.module.js';
import { OrdersModule } from './orders/orders.module.js';
import { PaymentsModule } from './payments/payments.module.js';
import { ReviewsModule } from './reviews/reviews.module.js';
import { WishlistsModule } from './wishlists/wishlists.module.js';
import { MediaModule } from './media/media.module.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { RetentionModule } from './retention/retention.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { MailModule } from './mail/mail.module.js';
import { AllExceptionsFilter } from './common/all-exceptions.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { dataSourceOptions } from './database/data-source-options.js';
import { HealthModule } from './observability/health.module.js';
import { loggerOptions } from './observability/logger.js';
import { MetricsModule } from './observability/metrics.module.js';
import { RedisModule } from './redis/redis.module.js';

/** Wires the feature modules and the infrastructure for one resolved configuration. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig & { databaseUrl: string }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerOptions(config)),
        TypeOrmModule.forRoot({
          ...dataSourceOptions({
            url: config.databaseUrl,
            poolSize: config.databasePoolSize,
            preparedStatements: config.databasePreparedStatements,
          }),
          migrationsRun: false,
        }),
        RedisModule,
        EventsModule,
        JobsModule,
        OutboxModule,
        HealthModule,
        MetricsModule,
        AccountsModule,
        EmailVerificationGateModule,
        CatalogModule,
        OrdersModule,
        PaymentsModule,
        GuestCartClaimModule,
        NotificationsModule,
        ReviewsModule,
        WishlistsModule,
        MediaModule,
        ProfilesModule,
        RetentionModule,
        WebhooksModule,
        MailModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: AllExceptionsFilter }],
    };
  }
}
