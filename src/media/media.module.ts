import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@/catalog/index.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { CatalogImage } from './catalog-image.entity.js';
import {
  BrandImagesController,
  CategoryImagesController,
  ProductImagesController,
} from './catalog-images.controller.js';
import { CatalogImagesService } from './catalog-images.service.js';
import { LocalDiskMediaStorage } from './local-disk-media-storage.js';
import { MEDIA_STORAGE } from './media-storage.js';
import { MediaService } from './media.service.js';
import { UPLOAD_RATE_LIMITER, uploadRateLimiterProvider } from './upload-rate-limit.guard.js';

/**
 * Uploaded images: the storage (local disk behind the {@link MEDIA_STORAGE} interface), the
 * deletion outbox, the per-user upload limit, and staff's catalog image endpoints. Other
 * modules store and release files through {@link MediaService}.
 */
@Module({
  imports: [TypeOrmModule.forFeature([CatalogImage]), CatalogModule],
  controllers: [ProductImagesController, CategoryImagesController, BrandImagesController],
  providers: [
    {
      provide: MEDIA_STORAGE,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new LocalDiskMediaStorage(config.mediaDir),
    },
    uploadRateLimiterProvider,
    MediaService,
    CatalogImagesService,
  ],
  // The upload limiter is exported for the guard that upload routes elsewhere (profiles) use.
  exports: [MediaService, MEDIA_STORAGE, UPLOAD_RATE_LIMITER],
})
export class MediaModule {}
