import { Logger, type INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { closeRedis, connectRedis, type RedisClient } from '@/redis/redis.module.js';

/** Socket.IO server options of every namespace: CORS from config, websocket-friendly timeouts. */
export function socketServerOptions(corsOrigins: true | string[]): Partial<ServerOptions> {
  return {
    cors: { origin: corsOrigins, credentials: false },
    pingInterval: 20_000,
    pingTimeout: 20_000,
    connectTimeout: 10_000,
  };
}

/** The in-process adapter (no Redis): one instance. */
export class ConfiguredIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly corsOrigins: true | string[],
  ) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    return super.createIOServer(port, {
      ...options,
      ...socketServerOptions(this.corsOrigins),
    } as ServerOptions);
  }
}

/**
 * Socket.IO through Redis pub/sub (`@socket.io/redis-adapter`): an emit on any instance reaches
 * sockets on every instance. Publishing never throws into the caller: while Redis is down,
 * emits still reach this instance's sockets, and the clients catch up on the rest over REST.
 */
/**
 * The adapter's channel prefix, `socket.io:db<N>` for Redis database N. Pub/sub channels belong
 * to the whole Redis server, not to a database: with the default prefix, two deployments on one
 * Redis server (staging on db 1, production on db 0; or a test run beside a soak) received each
 * other's broadcasts, and staff sockets got the other deployment's order updates. A deployment
 * already owns its database (cache, rate limits), so the database number isolates its channels.
 */
export function adapterChannelPrefix(redisUrl: string): string {
  const db = Number(new URL(redisUrl).pathname.slice(1) || 0);
  return `socket.io:db${Number.isInteger(db) ? db : 0}`;
}

export class RedisIoAdapter extends ConfiguredIoAdapter {
  private readonly redisLogger = new Logger(RedisIoAdapter.name);
  private adapterConstructor: ReturnType<typeof createAdapter> | undefined;
  private redisClients: RedisClient[] = [];

  async connectToRedis(url: string): Promise<void> {
    const pub = await connectRedis(url, 'shop-api:socket.io:pub');
    // The subscriber keeps its offline queue: subscriptions made while Redis is away wait for it.
    const queuedSub = pub.duplicate({ disableOfflineQueue: false, name: 'shop-api:socket.io:sub' });
    queuedSub.on('error', () => undefined); // reported by the publisher's client already
    // The adapter never awaits its (un)subscriptions; one still queued when the client is
    // dropped (shutdown while Redis is away) rejects, and must not crash the process.
    const sub = new Proxy(queuedSub, {
      get: (target, prop, receiver) => {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]): unknown => {
          const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
          if (result instanceof Promise) result.catch(() => undefined);
          return result;
        };
      },
    });
    await Promise.race([
      queuedSub.connect().catch(() => undefined),
      new Promise((r) => setTimeout(r, 2_000).unref()),
    ]);
    this.redisClients = [pub, queuedSub];
    const safePub = new Proxy(pub, {
      get: (target, prop, receiver) => {
        if (prop === 'publish') {
          return (channel: string, message: string | Buffer) =>
            target.publish(channel, message).catch((error: unknown) => {
              this.redisLogger.warn(
                `Socket.IO publish failed (this instance's sockets were still reached): ${(error as Error).message}`,
              );
              return 0;
            });
        }
        const value: unknown = Reflect.get(target, prop, receiver);
        return typeof value === 'function'
          ? (value as (...a: unknown[]) => unknown).bind(target)
          : value;
      },
    });
    this.adapterConstructor = createAdapter(safePub, sub, { key: adapterChannelPrefix(url) });
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options);
    if (this.adapterConstructor) server.adapter(this.adapterConstructor);
    return server;
  }

  override async close(server: Server): Promise<void> {
    await super.close(server);
    // Nest calls close() once per Socket.IO server: close the clients once (a second close() of
    // a closing node-redis client hangs ~30 s, which stalled every app.close() with REDIS_URL).
    await Promise.all(this.redisClients.splice(0).map(closeRedis));
  }
}
