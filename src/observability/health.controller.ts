import { Controller, Get, Inject, Module, Res, ServiceUnavailableException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import {
  HealthCheckService,
  type HealthIndicatorResult,
  TerminusModule,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { Public } from '@/common/auth.js';
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
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    @Inject(REDIS_CLIENT) private readonly redis: RedisClient | null,
  ) {}

  /** The process is up and serving HTTP. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * Ready when the database answers. Redis is reported but does not decide: without it the
   * instance serves degraded (cache from the database, local rate limits and Socket.IO rooms).
   */
  @Get('ready')
  async ready(@Res({ passthrough: true }) reply: FastifyReply): Promise<HealthBody> {
    let body: HealthBody;
    try {
      body = (await this.health.check([
        () => this.db.pingCheck('database', { timeout: 2_000 }),
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

  private async pingRedis(client: RedisClient): Promise<HealthIndicatorResult> {
    try {
      await Promise.race([
        client.ping(),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1_000).unref()),
      ]);
      return { redis: { status: 'up' } };
    } catch (error) {
      return { redis: { status: 'down', message: (error as Error).message } };
    }
  }
}

@Module({ imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController] })
export class HealthModule {}
