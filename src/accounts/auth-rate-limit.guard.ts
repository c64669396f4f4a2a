import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  Inject,
  Injectable,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import type { AuthUser } from '@/common/auth.js';
import { RateLimitedError } from '@/common/domain-error.js';
import { ApiErrors } from '@/common/openapi.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';

type Scope = 'ip' | 'ip+email' | 'user';
const RATE_LIMIT = 'auth:rateLimit';
const WINDOW_SECONDS = 60;
/** A Redis that hangs (up, but not answering) must not hold a login: memory counts instead. */
const REDIS_TIMEOUT_MS = 500;

/**
 * Limits a route to `AUTH_RATE_LIMIT` requests a minute per client IP (and per email with
 * `ip+email`), or per signed-in user (`user`: guessing a current password or a coupon code
 * from one account, whatever addresses it comes from).
 */
export const AuthRateLimit = (scope: Scope = 'ip'): MethodDecorator =>
  applyDecorators(SetMetadata(RATE_LIMIT, scope), ApiErrors(429));

/**
 * Counts in Redis when `REDIS_URL` is set, so every instance shares one budget per client; while
 * Redis is unreachable it counts in memory (per instance) instead, so limits stay on and a Redis
 * outage never fails a login. rate-limiter-flexible rather than @nestjs/throttler: the latter is
 * CommonJS requiring the ESM-only @nestjs/common, which Jest's runtime cannot load on Node 20.
 */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly byIp: RateLimiterAbstract | undefined;
  private readonly byEmail: RateLimiterAbstract | undefined;
  private readonly byUser: RateLimiterAbstract | undefined;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS_CLIENT) redis: RedisClient | null,
  ) {
    const points = config.authRateLimit;
    if (points === 0) return;
    const limiter = (name: string): RateLimiterAbstract => {
      const keyPrefix = `ratelimit:auth:${name}`;
      const memory = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix });
      if (!redis) return memory;
      // The wrapper adopts the Redis limiter's insurance (memory) for its timeouts too.
      return new RLWrapperTimeouts({
        timeoutMs: REDIS_TIMEOUT_MS,
        limiter: new RateLimiterRedis({
          storeClient: redis,
          useRedisPackage: true,
          rejectIfRedisNotReady: true,
          points,
          duration: WINDOW_SECONDS,
          keyPrefix,
          insuranceLimiter: memory,
        }),
      });
    };
    this.byIp = limiter('ip');
    this.byEmail = limiter('email');
    this.byUser = limiter('user');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.get<Scope | undefined>(RATE_LIMIT, context.getHandler());
    if (!scope || !this.byIp || !this.byEmail || !this.byUser) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    if (scope === 'user') {
      // The route is authenticated (the global JWT guard ran first): always a user here.
      if (request.user) await this.consume(this.byUser, request.user.id);
      return true;
    }
    await this.consume(this.byIp, request.ip);
    const email = (request.body as { email?: unknown } | undefined)?.email;
    if (scope === 'ip+email' && typeof email === 'string') {
      await this.consume(this.byEmail, email.trim().toLowerCase());
    }
    return true;
  }

  private async consume(limiter: RateLimiterAbstract, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
      }
      throw rejection;
    }
  }
}
