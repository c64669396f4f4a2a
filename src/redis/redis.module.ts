import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createClient, type RedisClientOptions, type RedisClientType } from '@redis/client';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';

export type RedisClient = RedisClientType;
export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

/** Injects the shared Redis client, or `null` when `REDIS_URL` is unset. */
export const InjectRedis = (): ParameterDecorator => Inject(REDIS_CLIENT);

const logger = new Logger('Redis');

let template: RedisClient | undefined;

/**
 * node-redis builds a client class (its ~500 command methods, and its MULTI's) for each options
 * object that differs from the previous one (a cache of one entry, keyed by every option, the
 * name and URL included): ~10 MB allocated at start per class. A duplicate shares its
 * original's class, so every client here is a duplicate of one never-connected template.
 */
function newClient(options: RedisClientOptions): RedisClient {
  template ??= createClient();
  // The same options type as createClient infers them (RESP 2, no modules, scripts or functions).
  return template.duplicate(options) as RedisClient;
}

/**
 * A client that never makes a request wait on a Redis outage: commands fail at once while it
 * is disconnected (no offline queue) and callers fall back; it reconnects with backoff by itself.
 */
export async function connectRedis(url: string, name: string): Promise<RedisClient> {
  const client = newClient({
    url,
    name,
    disableOfflineQueue: true,
    socket: {
      connectTimeout: 2_000,
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 2_000),
    },
  });
  let lastError = '';
  client.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn(`${name}: ${error.message}`);
    lastError = error.message;
  });
  client.on('ready', () => {
    if (lastError) logger.log(`${name}: connected again`);
    lastError = '';
  });
  const connecting = client.connect().catch(() => undefined);
  // Serve degraded rather than not at all: wait a moment for Redis, then start regardless.
  await Promise.race([connecting, new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
  return client;
}

/** Closes a client gracefully, or drops it; never throws (it may be closed already). */
export async function closeRedis(client: RedisClient): Promise<void> {
  try {
    // close() waits for the replies to every queued command: a client still reconnecting to an
    // unreachable Redis (its handshake queued) never gets them, so only a ready one closes.
    if (client.isReady) await client.close();
    else if (client.isOpen) client.destroy();
  } catch {
    try {
      client.destroy();
    } catch {
      // already closed
    }
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        config.redisUrl ? connectRedis(config.redisUrl, 'shop-api') : null,
    },
  ],
  exports: [REDIS_CLIENT],
})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS_CLIENT) private readonly client: RedisClient | null) {}

  async onApplicationShutdown(): Promise<void> {
    if (this.client) await closeRedis(this.client);
  }
}
