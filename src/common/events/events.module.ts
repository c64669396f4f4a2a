import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { DomainEventBus } from './domain-event-bus.js';

@Global()
@Module({ imports: [DiscoveryModule], providers: [DomainEventBus], exports: [DomainEventBus] })
export class EventsModule {}
