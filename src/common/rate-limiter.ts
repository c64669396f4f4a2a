import {
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterAbstract,
  RateLimiterRes,
  RLWrapperTimeouts,
} from 'rate-limiter-flexible';
import type { RedisClientType } from '@redis/client';
import { RateLimitedError } from './domain-error.js';

/** The shared client's type, from the library itself: `common/` imports no other module. */
type RedisClient = RedisClientType;

const WINDOW_SECONDS = 60;
/** A Redis that hangs (up, but not answering) must not hold a request: memory counts instead. */
const REDIS_TIMEOUT_MS = 500;

/**
 * `points` a minute per key, under `ratelimit:<name>:`. Counts in Redis when there is one, so
 * every instance shares one budget per key; while Redis is unreachable it counts in memory (per
 * instance) instead, so limits stay on and a Redis outage never fails a request.
 * rate-limiter-flexible rather than @nestjs/throttler: the latter is CommonJS requiring the
 * ESM-only @nestjs/common, which Jest's runtime cannot load on Node 20.
 */
export function createRateLimiter(
  name: string,
  points: number,
  redis: RedisClient | null,
): RateLimiterAbstract {
  const keyPrefix = `ratelimit:${name}`;
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
}

/** Spends a point of `key`'s budget, or throws a 429 `RATE_LIMITED` with its `Retry-After`. */
export async function consumeOrThrow(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (rejection instanceof RateLimiterRes) {
      throw new RateLimitedError(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
    throw rejection;
  }
}
