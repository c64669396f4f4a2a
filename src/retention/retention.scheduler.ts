import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { RetentionService } from './retention.service.js';

/** setTimeout's longest delay (about 24.8 days): a longer one would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** `ms` give or take 10 %: instances started together drift apart instead of colliding. */
const jittered = (ms: number): number => Math.min(ms * (0.9 + Math.random() * 0.2), MAX_DELAY_MS);

/**
 * Runs {@link RetentionService.purgeOnce} every `RETENTION_INTERVAL` (off at 0). Each instance
 * has its own timer; the run's advisory lock lets one of them work at a time. Runs never
 * overlap within an instance (the next is scheduled when one ends), and the timer is unref'd and
 * cleared at shutdown, so it never keeps a process alive.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(RetentionScheduler.name);
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly retention: RetentionService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.retention.intervalSeconds * 1000;
    if (interval === 0) return;
    // The first run falls anywhere in the first interval: an instance restarted more often than
    // the interval still purges, and a fleet started at once spreads out.
    this.schedule(Math.min(Math.random() * interval, MAX_DELAY_MS), interval);
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(delayMs: number, interval: number): void {
    this.timer = setTimeout(() => void this.tick(interval), delayMs).unref();
  }

  private async tick(interval: number): Promise<void> {
    try {
      await this.retention.purgeOnce();
    } catch (error) {
      this.logger.error({ err: error }, 'retention run failed: tried again at the next interval');
    }
    if (!this.stopped) this.schedule(jittered(interval), interval);
  }
}
