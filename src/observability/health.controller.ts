import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheckService,
  type HealthIndicatorResult,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { Public } from '@/common/auth.js';
import { pendingMigrations } from '@/database/database.runtime.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';

interface HealthBody {
  status: 'ok' | 'error';
  info: HealthIndicatorResult;
  error: HealthIndicatorResult;
  details: HealthIndicatorResult;
}

@ApiExcludeController()
@Public()
@Controller('health')
export class HealthController {
  /** Once none are pending, none can be: a running build's migrations do not change. */
  private migrated = false;

  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly dataSource: DataSource,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready when the database answers and has every migration this build has (an instance that may
   * not migrate, `MIGRATE_ON_START=false`, waits for them: it would answer 500s). Redis is reported
   * but does not decide: without it the instance serves degraded (cache from the database, local
   * rate limits and Socket.IO rooms).
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthBody> {
    let body: HealthBody;
    try {
      body = (await this.health.check([
        () => this.db.pingCheck('database', { timeout: 2_000 }),
        () => this.migrations(),
      ])) as HealthBody;
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      // Terminus' own body (API.md), not the error shape: load balancers and ops read it.
      body = error.getResponse() as HealthBody;
      void reply.status(503);
    }
    if (this.redis) {
      const redis = await this.pingRedis(this.redis);
      body.details = { ...body.details, ...redis };
      if (redis.redis?.status === 'up') body.info = { ...body.info, ...redis };
      else body.error = { ...body.error, ...redis };
    }
    return body;
  }

  private async migrations(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('migrations');
    if (this.migrated) return check.up();
    try {
      const pending = await withTimeout(pendingMigrations(this.dataSource), 2_000);
      this.migrated = pending.length === 0;
      if (this.migrated) return check.up();
      // A count, not the names: this answer is public (the start-up log names them).
      return check.down({ pending: pending.length, message: 'run node dist/src/cli/migrate.js' });
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  private async pingRedis(client: RedisClient): Promise<HealthIndicatorResult> {
    try {
      await withTimeout(client.ping(), 1_000);
      return { redis: { status: 'up' } };
    } catch (error) {
      return { redis: { status: 'down', message: (error as Error).message } };
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    work,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), ms).unref()),
  ]);
}
