import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogModule } from '@/catalog/catalog.module.js';
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

/**
 * Uploaded images: the storage (local disk behind the {@link MEDIA_STORAGE} interface), the
 * deletion outbox, and staff's catalog image endpoints. Other modules store and release files
 * through {@link MediaService}.
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
    MediaService,
    CatalogImagesService,
  ],
  exports: [MediaService, MEDIA_STORAGE],
})
export class MediaModule {}
