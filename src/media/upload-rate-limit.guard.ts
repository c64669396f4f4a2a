import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { AuthUser } from '@/common/auth.js';
import { consumeOrThrow, createRateLimiter } from '@/common/rate-limiter.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';

/** The one budget of uploads a minute per user, or `null` when `UPLOAD_RATE_LIMIT` is 0. */
export const UPLOAD_RATE_LIMITER = Symbol('UPLOAD_RATE_LIMITER');

/**
 * A provider, not a field of the guard: Nest makes one guard instance per module that uses it,
 * and every upload route (catalog and profile) must spend from the same budget.
 */
export const uploadRateLimiterProvider = {
  provide: UPLOAD_RATE_LIMITER,
  inject: [APP_CONFIG, REDIS_CLIENT],
  useFactory: (config: AppConfig, redis: RedisClient | null): RateLimiterAbstract | null =>
    config.uploadRateLimit > 0 ? createRateLimiter('upload', config.uploadRateLimit, redis) : null,
};

/**
 * Spends one of the signed-in user's `UPLOAD_RATE_LIMIT` uploads a minute (shared by every
 * instance through Redis), or answers 429 `RATE_LIMITED` with `Retry-After` before the body is
 * read. Every attempt counts, refused files too. Route-level, so it runs after the global JWT
 * guard and knows the user.
 */
@Injectable()
export class UploadRateLimitGuard implements CanActivate {
  constructor(@Inject(UPLOAD_RATE_LIMITER) private readonly limiter: RateLimiterAbstract | null) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.limiter) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    // Upload routes are authenticated; the address is only a fallback for a route that is not.
    await consumeOrThrow(this.limiter, request.user ? `user:${request.user.id}` : request.ip);
    return true;
  }
}
