import { Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { jwtKey } from '@/accounts/jwt.strategy.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { OrdersModule } from '@/orders/orders.module.js';
import { Notification } from './notification.entity.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsGateway } from './notifications.gateway.js';
import { NotificationsService } from './notifications.service.js';
import { OrderNotificationsHandler } from './order-notifications.handler.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([Notification]),
    OrdersModule, // GuestOrdersService: which order a guest's order token opens
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: jwtKey(config.jwtSecret),
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [NotificationsController],
  providers: [NotificationsService, NotificationsGateway, OrderNotificationsHandler],
})
export class NotificationsModule {}
