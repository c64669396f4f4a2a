import { Global, Module, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OutboxDispatcher } from './outbox-dispatcher.js';
import { observeOutbox } from './outbox.metrics.js';
import { OutboxService } from './outbox.service.js';
import { OutboxSweeper } from './outbox-sweeper.js';

/**
 * The transactional outbox, for every module (like the event bus): `OutboxService.record` in a use
 * case's transaction, `OutboxDispatcher.register` for consumers.
 */
@Global()
@Module({
  providers: [OutboxService, OutboxDispatcher, OutboxSweeper],
  exports: [OutboxService, OutboxDispatcher],
})
export class OutboxModule implements OnModuleInit, OnModuleDestroy {
  private unobserve?: () => void;

  constructor(private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    this.unobserve = observeOutbox(this.dataSource);
  }

  onModuleDestroy(): void {
    this.unobserve?.();
  }
}
