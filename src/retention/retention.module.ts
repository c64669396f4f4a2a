import { Module } from '@nestjs/common';
import { MediaModule } from '@/media/media.module.js';
import { RetentionScheduler } from './retention.scheduler.js';
import { RetentionService } from './retention.service.js';

/**
 * Scheduled retention: bounded tables and media storage. Owns no entities; it deletes rows of
 * other modules' tables by SQL only, under documented ages (`RETENTION_*`).
 */
@Module({
  imports: [MediaModule],
  providers: [RetentionService, RetentionScheduler],
  exports: [RetentionService],
})
export class RetentionModule {}
