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
  type RateLimiterAbstract,
  RateLimiterMemory,
  RateLimiterRedis,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import type { AuthUser } from '@/common/auth.js';
import { consumeOrThrow, createRateLimiter } from '@/common/rate-limiter.js';
import { ApiErrors } from '@/common/openapi.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';

type Scope = 'ip' | 'ip+email' | 'user' | 'coupon' | 'password-reset' | 'verification-resend';
const RATE_LIMIT = 'auth:rateLimit';
const HOUR = 3600;

/**
 * `createRateLimiter`'s budget (Redis shared by every instance, memory while Redis is away, a
 * Redis that hangs answered from memory after 500 ms) over an hour instead of a minute: emails
 * are the scarce thing here, a few an hour is plenty for a person.
 */
function hourlyLimiter(name: string, points: number, redis: RedisClient | null) {
  const keyPrefix = `ratelimit:${name}`;
  const memory = new RateLimiterMemory({ points, duration: HOUR, keyPrefix });
  if (!redis) return memory;
  return new RLWrapperTimeouts({
    timeoutMs: 500,
    limiter: new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      points,
      duration: HOUR,
      keyPrefix,
      insuranceLimiter: memory,
    }),
  });
}

/**
 * Limits a route to `AUTH_RATE_LIMIT` requests a minute per client IP (and per email with
 * `ip+email`), or per signed-in user (`user`: guessing a current password from one account,
 * whatever addresses it comes from). `coupon` is a per-user budget of its own for the requests
 * that carry a coupon code (`code` or `couponCode` in the body): validating one, and checking
 * out with one, which would otherwise answer `COUPON_NOT_FOUND` to unlimited guesses.
 * `password-reset` allows `PASSWORD_RESET_RATE_LIMIT` requests an hour per client IP and per
 * address (each sends an email), and `verification-resend` as many per signed-in user.
 */
export const AuthRateLimit = (scope: Scope = 'ip'): MethodDecorator =>
  applyDecorators(SetMetadata(RATE_LIMIT, scope), ApiErrors(429));

/** Budgets as `createRateLimiter` keeps them (Redis shared by every instance, memory meanwhile). */
@Injectable()
export class AuthRateLimitGuard implements CanActivate {
  private readonly byIp: RateLimiterAbstract | undefined;
  private readonly byEmail: RateLimiterAbstract | undefined;
  private readonly perUser: Record<'user' | 'coupon', RateLimiterAbstract> | undefined;
  /** Hourly budgets of what sends email. */
  private readonly emails:
    Record<'resetByIp' | 'resetByEmail' | 'resendByUser', RateLimiterAbstract> | undefined;

  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS_CLIENT) redis: RedisClient | null,
  ) {
    const hourly = config.accountRecovery.passwordResetRateLimit;
    if (hourly > 0) {
      const limiter = (name: string) => hourlyLimiter(`auth:${name}`, hourly, redis);
      this.emails = {
        resetByIp: limiter('reset-ip'),
        resetByEmail: limiter('reset-email'),
        resendByUser: limiter('resend-user'),
      };
    }
    const points = config.authRateLimit;
    if (points === 0) return;
    const limiter = (name: string) => createRateLimiter(`auth:${name}`, points, redis);
    this.byIp = limiter('ip');
    this.byEmail = limiter('email');
    this.perUser = { user: limiter('user'), coupon: limiter('coupon') };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.get<Scope | undefined>(RATE_LIMIT, context.getHandler());
    const request = context.switchToHttp().getRequest<FastifyRequest & { user?: AuthUser }>();
    if (scope === 'password-reset' || scope === 'verification-resend') {
      await this.consumeEmailBudget(scope, request);
      return true;
    }
    if (!scope || !this.byIp || !this.byEmail || !this.perUser) return true;
    if (scope === 'user' || scope === 'coupon') {
      // The route is authenticated (the global JWT guard ran first): always a user here.
      const body = request.body as { code?: unknown; couponCode?: unknown } | undefined;
      const counted =
        scope === 'user' || body?.code !== undefined || body?.couponCode !== undefined;
      if (request.user && counted) await consumeOrThrow(this.perUser[scope], request.user.id);
      return true;
    }
    await consumeOrThrow(this.byIp, request.ip);
    const email = (request.body as { email?: unknown } | undefined)?.email;
    if (scope === 'ip+email' && typeof email === 'string') {
      await consumeOrThrow(this.byEmail, email.trim().toLowerCase());
    }
    return true;
  }

  private async consumeEmailBudget(
    scope: 'password-reset' | 'verification-resend',
    request: FastifyRequest & { user?: AuthUser },
  ): Promise<void> {
    if (!this.emails) return;
    if (scope === 'verification-resend') {
      if (request.user) await consumeOrThrow(this.emails.resendByUser, request.user.id);
      return;
    }
    await consumeOrThrow(this.emails.resetByIp, request.ip);
    // Counted whether or not an account has the address: the budget reveals nothing.
    const email = (request.body as { email?: unknown } | undefined)?.email;
    if (typeof email === 'string')
      await consumeOrThrow(this.emails.resetByEmail, email.trim().toLowerCase());
  }
}
