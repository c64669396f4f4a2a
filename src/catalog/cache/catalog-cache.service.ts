import { createHash } from 'node:crypto';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { cacheRequests } from '@/observability/metrics.js';
import { InjectRedis, type RedisClient } from '@/redis/redis.module.js';
import {
  CACHE_STORE_PREFIX,
  cacheKey,
  cacheKeyParts,
  generationKey,
  jitteredTtlMs,
} from './catalog-cache.keys.js';
import { type CatalogWrite, type CatalogWriteArgs, namespacesOf } from './catalog-writes.js';
import { etagOf, publicCacheControl } from './http-caching.js';

export type CacheResult = 'HIT' | 'MISS' | 'BYPASS';

/** Where a cached body lives: its key is `cacheKey(namespaces, <their generations>, kind, query)`. */
export interface CacheSlot {
  namespaces: readonly string[];
  kind: string;
  query: Record<string, string | number | boolean | null | undefined>;
}

/** What the cache stores under a key: a serialized response body and its strong ETag. */
export interface CacheEntry {
  body: string;
  /** `etagOf(body)`, computed once when the entry was made. */
  etag: string;
}

const isEntry = (value: unknown): value is CacheEntry =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as CacheEntry).body === 'string' &&
  typeof (value as CacheEntry).etag === 'string';

/** A serialized response body and how the cache served it (the `X-Cache` header). */
export interface CachedBody {
  body: string;
  cache: CacheResult;
  /** Set when the body came from or went to the shared cache (never for a bypass). */
  slot?: CacheSlot;
  /** The body's strong ETag when it is a public answer; undefined for a private (staff) one. */
  etag?: string;
}

const CACHE_OP_TIMEOUT_MS = 300;

/**
 * One round trip for a cached read: reads the namespaces' generations (KEYS) and the value at
 * the key they make (ARGV: the Redis key before and after its version part; see `cacheKey`).
 * The value key is computed, not declared: fine on one Redis server, not on a Redis Cluster.
 */
const PEEK_SCRIPT = `
local generations = redis.call('MGET', unpack(KEYS))
local version = {}
for i, generation in ipairs(generations) do
  version[i] = 'v' .. (generation or '0')
end
return redis.call('GET', ARGV[1] .. table.concat(version, '.') .. ARGV[2])`;
const PEEK_SCRIPT_SHA = createHash('sha1').update(PEEK_SCRIPT).digest('hex');

/** What `peek` sends to Redis for a slot (computed once per slot). */
interface PeekArgs {
  keys: string[];
  arguments: [string, string];
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  // Cleared once settled: a timer left running fires 300 ms later on every cache operation of
  // every cached read, allocating an Error and rejecting a promise nobody waits for any more.
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('cache timeout')), CACHE_OP_TIMEOUT_MS);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * The catalog read cache (DESIGN.md). Values are entries (a serialized response body and its
 * strong ETag, see `CacheEntry`) in cache-manager (Redis through Keyv when `REDIS_URL` is set, a
 * bounded in-memory LRU otherwise), under keys versioned by namespace generations. Invalidation
 * bumps generations with one atomic INCR each, so a change is visible to the very next read on
 * every instance, with no key scan.
 *
 * Redis trouble never fails a read: the body is loaded from the database instead. A bump that
 * could not reach Redis is retried, and until it succeeds this instance bypasses the cache.
 */
@Injectable()
export class CatalogCache {
  private readonly logger = new Logger(CatalogCache.name);
  private readonly localGenerations = new Map<string, number>();
  private readonly inflight = new Map<string, Promise<CachedBody>>();
  private readonly pendingBumps = new Set<string>();
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly peekArgs = new WeakMap<CacheSlot, PeekArgs>();
  /** `Cache-Control` of public catalog answers (HTTP_CACHE_MAX_AGE, HTTP_CACHE_SWR). */
  readonly publicCacheControl: string;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    @InjectRedis() private readonly redis: RedisClient | null,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.publicCacheControl = publicCacheControl(config.httpCacheMaxAge, config.httpCacheSwr);
  }

  /**
   * The cached body for (`namespaces`, `kind`, `query`), or `load()`'s result serialized and
   * cached. Concurrent misses of one key on this instance share one load (single flight).
   */
  async getOrLoad(
    namespaces: readonly string[],
    kind: string,
    query: Record<string, string | number | boolean | null | undefined>,
    load: () => Promise<unknown>,
  ): Promise<CachedBody> {
    if (!this.config.catalogCacheEnabled || this.pendingBumps.size > 0)
      return this.bypass(kind, load);
    let generations: number[];
    try {
      generations = await this.generations(namespaces);
    } catch (error) {
      this.warn('generation read failed', error);
      return this.bypass(kind, load);
    }
    const key = cacheKey(namespaces, generations, kind, query);
    let cached: unknown;
    try {
      cached = await withTimeout(this.cache.get<CacheEntry>(key));
    } catch (error) {
      this.warn('read failed', error);
      return this.bypass(kind, load);
    }
    const slot = { namespaces, kind, query };
    // Anything else (a bare string body written before entries carried their ETag) is a miss.
    if (isEntry(cached)) {
      cacheRequests.inc({ kind, result: 'hit' });
      return { body: cached.body, etag: cached.etag, cache: 'HIT', slot };
    }
    let loading = this.inflight.get(key);
    if (!loading) {
      loading = this.fill(key, kind, load).finally(() => this.inflight.delete(key));
      this.inflight.set(key, loading);
    }
    return { ...(await loading), slot };
  }

  /**
   * The entry cached in `slot` at the current generations, or undefined on a miss, when the cache
   * is off or bypassed, or on any Redis trouble (the caller then takes the full path, which
   * reports the trouble). Counts a hit.
   */
  async peek(slot: CacheSlot): Promise<CacheEntry | undefined> {
    if (!this.config.catalogCacheEnabled || this.pendingBumps.size > 0) return undefined;
    try {
      const cached = this.redis
        ? await withTimeout(this.peekRedis(this.redis, slot))
        : await this.cache.get<CacheEntry>(
            cacheKey(
              slot.namespaces,
              await this.generations(slot.namespaces),
              slot.kind,
              slot.query,
            ),
          );
      if (!isEntry(cached)) return undefined;
      cacheRequests.inc({ kind: slot.kind, result: 'hit' });
      return cached;
    } catch {
      return undefined;
    }
  }

  /**
   * The body in `slot` at the current generations, read from Redis in one round trip (the
   * script above) instead of two (generations, then the value): the Keyv envelope
   * `{"value", "expires"}` that the cache store wrote, unwrapped here.
   */
  private async peekRedis(redis: RedisClient, slot: CacheSlot): Promise<CacheEntry | undefined> {
    let args = this.peekArgs.get(slot);
    if (!args) {
      const { before, after } = cacheKeyParts(slot.namespaces, slot.kind, slot.query);
      args = {
        keys: slot.namespaces.map(generationKey),
        arguments: [`${CACHE_STORE_PREFIX}${before}`, after],
      };
      this.peekArgs.set(slot, args);
    }
    const envelope = await redis.evalSha(PEEK_SCRIPT_SHA, args).catch((error: unknown) => {
      // Not loaded yet on this server (first use, a restart, SCRIPT FLUSH): send it whole.
      if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
      return redis.eval(PEEK_SCRIPT, args);
    });
    if (typeof envelope !== 'string') return undefined;
    const { value, expires } = JSON.parse(envelope) as { value?: unknown; expires?: unknown };
    if (typeof expires === 'number' && expires <= Date.now()) return undefined;
    return isEntry(value) ? value : undefined;
  }

  /**
   * Invalidates what `write` changes (its row of `CATALOG_WRITES`). Call it only once the write
   * committed: a read between a bump and the commit would refill the new generation with the
   * old rows.
   */
  bump<W extends CatalogWrite>(write: W, ...args: CatalogWriteArgs<W>): Promise<void> {
    return this.invalidate(namespacesOf(write, ...args));
  }

  /** Makes every key of these namespaces unreachable, on every instance, at once. */
  private async invalidate(namespaces: readonly string[]): Promise<void> {
    const unique = [...new Set(namespaces)];
    if (!this.redis) {
      for (const ns of unique)
        this.localGenerations.set(ns, (this.localGenerations.get(ns) ?? 0) + 1);
      return;
    }
    try {
      // node-redis queues a MULTI while disconnected despite `disableOfflineQueue`: it would wait
      // there for Redis, and hold the client's graceful close (app shutdown) until Redis is back.
      if (!this.redis.isReady) throw new Error('Redis is not connected');
      const multi = this.redis.multi();
      for (const ns of unique) multi.incr(generationKey(ns));
      await withTimeout(multi.exec());
    } catch (error) {
      this.warn('invalidation failed; bypassing the cache until it succeeds', error);
      for (const ns of unique) this.pendingBumps.add(ns);
      this.scheduleRetry();
    }
  }

  private async fill(key: string, kind: string, load: () => Promise<unknown>): Promise<CachedBody> {
    const body = JSON.stringify(await load());
    const entry: CacheEntry = { body, etag: etagOf(body) };
    cacheRequests.inc({ kind, result: 'miss' });
    try {
      await withTimeout(this.cache.set(key, entry, jitteredTtlMs(this.config.cacheTtlSeconds)));
    } catch (error) {
      this.warn('write failed', error);
    }
    return { ...entry, cache: 'MISS' };
  }

  /** A public answer the cache could not serve: the same body and ETag, just not stored. */
  private async bypass(kind: string, load: () => Promise<unknown>): Promise<CachedBody> {
    cacheRequests.inc({ kind, result: 'bypass' });
    const body = JSON.stringify(await load());
    return { body, etag: etagOf(body), cache: 'BYPASS' };
  }

  private async generations(namespaces: readonly string[]): Promise<number[]> {
    if (!this.redis) return namespaces.map((ns) => this.localGenerations.get(ns) ?? 0);
    const values = await withTimeout(this.redis.mGet(namespaces.map(generationKey)));
    return values.map((v) => Number(v ?? 0));
  }

  private scheduleRetry(): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const namespaces = [...this.pendingBumps];
      this.pendingBumps.clear();
      void this.invalidate(namespaces).then(() => {
        if (this.pendingBumps.size === 0) this.logger.log('pending cache invalidations applied');
      });
    }, 1_000);
    this.retryTimer.unref();
  }

  private lastWarning = 0;
  private warn(what: string, error: unknown): void {
    // One line a second at most: an outage must not flood the logs.
    if (Date.now() - this.lastWarning < 1_000) return;
    this.lastWarning = Date.now();
    this.logger.warn(`catalog cache ${what}: ${(error as Error).message}`);
  }
}
