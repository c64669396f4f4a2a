import { createKeyv as createRedisKeyv } from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createKeyv as createMemoryKeyv } from 'cacheable';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';
import { CacheInvalidationInterceptor } from './cache/cache-invalidation.interceptor.js';
import { CACHE_STORE_NAMESPACE } from './cache/catalog-cache.keys.js';
import { CatalogCache } from './cache/catalog-cache.service.js';
import { CatalogFastPath } from './cache/catalog-fast-path.js';
import { CatalogImageOwners } from './images/catalog-image-owners.service.js';
import { StockService } from './inventory/stock.service.js';
import { ProductListReader } from './products/product-list.reader.js';
import { ProductRatingService } from './products/product-rating.service.js';
import { Product } from './products/product.entity.js';
import { ProductsController } from './products/products.controller.js';
import { ProductsService } from './products/products.service.js';
import { Brand } from './taxonomy/brand.entity.js';
import { BrandsController } from './taxonomy/brands.controller.js';
import { BrandsService } from './taxonomy/brands.service.js';
import { CategoriesController } from './taxonomy/categories.controller.js';
import { CategoriesService } from './taxonomy/categories.service.js';
import { Category } from './taxonomy/category.entity.js';
import {
  VARIANT_CONTROLLERS,
  VARIANT_ENTITIES,
  VARIANT_PROVIDERS,
} from './variants/variants.providers.js';

/** In-memory fallback store: bounded, so distinct queries cannot grow it without limit. */
const MEMORY_CACHE_ENTRIES = 10_000;

/**
 * The Redis store runs on the app's shared client, which RedisModule closes once the HTTP server
 * is closed. The cache module disconnects its stores at `onModuleDestroy`, before the in-flight
 * requests finish: closing the shared client there would fail their cache invalidations (a
 * checkout's bump of the product's generation, lost with the process) and rate limits.
 */
function sharedClientStore<T extends { disconnect(): Promise<void> }>(store: T): T {
  store.disconnect = () => Promise.resolve();
  return store;
}

/**
 * Cached values are entries `{ body, etag }` whose strings (a serialized response body, a quoted
 * entity tag) never start with `:`, so Keyv's
 * default deserializer (a JSON.parse reviver that unescapes `:`-strings and revives Buffers) does
 * nothing for them but cost a callback per value: plain JSON.parse reads the same envelope.
 */
function plainJsonEnvelope<T extends { deserialize: unknown }>(keyv: T): T {
  keyv.deserialize = (data: string) => JSON.parse(data) as unknown;
  return keyv;
}

@Module({
  imports: [
    TypeOrmModule.forFeature([Category, Brand, Product, ...VARIANT_ENTITIES]),
    CacheModule.registerAsync({
      inject: [APP_CONFIG, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: RedisClient | null) => ({
        // The shared Redis client (no offline queue: an outage fails fast and reads fall back).
        stores: [
          redis
            ? plainJsonEnvelope(
                sharedClientStore(
                  createRedisKeyv(redis as never, {
                    namespace: CACHE_STORE_NAMESPACE,
                    throwOnErrors: true,
                  }),
                ),
              )
            : createMemoryKeyv({
                ttl: config.cacheTtlSeconds * 1000,
                lruSize: MEMORY_CACHE_ENTRIES,
              }),
        ],
      }),
    }),
  ],
  controllers: [ProductsController, CategoriesController, BrandsController, ...VARIANT_CONTROLLERS],
  providers: [
    CatalogCache,
    CatalogFastPath,
    ProductsService,
    CategoriesService,
    BrandsService,
    ProductListReader,
    StockService,
    ProductRatingService,
    CatalogImageOwners,
    ...VARIANT_PROVIDERS,
    { provide: APP_INTERCEPTOR, useClass: CacheInvalidationInterceptor },
  ],
  exports: [
    CatalogCache,
    ProductsService,
    CategoriesService,
    BrandsService,
    StockService,
    ProductRatingService,
    CatalogImageOwners,
    ...VARIANT_PROVIDERS,
  ],
})
export class CatalogModule {}
