import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogImageOwners, type ImageOwner, type ImageOwnerKind } from '@/catalog/index.js';
import { found, ValidationFailedError } from '@/common/domain-error.js';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { CatalogImage } from './catalog-image.entity.js';
import {
  ALT_TEXT_MAX,
  MAX_IMAGES_PER_OWNER,
  type UpdateCatalogImageDto,
} from './dto/catalog-image.dto.js';
import type { ImageUpload } from './image-upload.js';
import { mediaUrl } from './media-storage.js';
import { TooManyImagesError } from './media.errors.js';
import { MediaService } from './media.service.js';

const OWNER_COLUMN = {
  product: 'productId',
  category: 'categoryId',
  brand: 'brandId',
} as const satisfies Record<ImageOwnerKind, keyof CatalogImage>;

/** Display order: the primary image first, then by position, then oldest first. */
const byDisplayOrder = (a: CatalogImage, b: CatalogImage): number =>
  Number(b.isPrimary) - Number(a.isPrimary) ||
  a.sortOrder - b.sortOrder ||
  a.createdAt.getTime() - b.createdAt.getTime() ||
  a.id.localeCompare(b.id);

/** The form fields an image upload takes besides the file. */
export const IMAGE_UPLOAD_FIELDS = ['altText', 'isPrimary'] as const;

/**
 * Staff manage the uploaded images of products, categories and brands. Every change runs in one
 * transaction with the owner's row locked (changes of one owner are serialized, so positions
 * and the single primary image stay consistent), and ends by handing the catalog the new list
 * to display. Files are written before that transaction and removed if it fails; deleted
 * images' files go after commit.
 */
@Injectable()
export class CatalogImagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly owners: CatalogImageOwners,
    private readonly media: MediaService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get maxUploadBytes(): number {
    return this.config.mediaMaxBytes;
  }

  async list(kind: ImageOwnerKind, idOrSlug: string): Promise<CatalogImage[]> {
    const owner = await this.owners.find(this.dataSource.manager, kind, idOrSlug, false);
    return this.imagesOf(this.dataSource.manager, owner);
  }

  async upload(kind: ImageOwnerKind, idOrSlug: string, upload: ImageUpload): Promise<CatalogImage> {
    const altText = upload.fields.altText?.trim() ?? '';
    const problems = [];
    if (altText.length > ALT_TEXT_MAX)
      problems.push({
        field: 'altText',
        message: `altText must be at most ${ALT_TEXT_MAX} characters`,
      });
    const primaryField = upload.fields.isPrimary;
    if (primaryField !== undefined && primaryField !== 'true' && primaryField !== 'false')
      problems.push({ field: 'isPrimary', message: 'isPrimary must be true or false' });
    if (problems.length > 0)
      throw new ValidationFailedError(`${problems[0].field}: ${problems[0].message}`, problems);
    // Fail fast (404, 409) before anything is written; rechecked under the lock below.
    await this.assertRoom(this.dataSource.manager, kind, idOrSlug);

    const stored = await this.media.store(upload.data, upload.image);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const owner = await this.owners.find(manager, kind, idOrSlug, true);
        const images = await this.imagesOf(manager, owner);
        if (images.length >= MAX_IMAGES_PER_OWNER)
          throw new TooManyImagesError(MAX_IMAGES_PER_OWNER);
        const isPrimary = primaryField === 'true' || !images.some((i) => i.isPrimary);
        if (isPrimary) await this.clearPrimary(manager, owner);
        const saved = await manager.save(
          manager.create(CatalogImage, {
            productId: null,
            categoryId: null,
            brandId: null,
            [OWNER_COLUMN[kind]]: owner.id,
            storageKey: stored.key,
            contentType: stored.type,
            byteSize: stored.byteSize,
            width: stored.width,
            height: stored.height,
            altText,
            isPrimary,
            sortOrder: images.reduce((max, i) => Math.max(max, i.sortOrder + 1), 0),
          }),
        );
        await this.display(manager, owner);
        return saved;
      });
    } catch (error) {
      await this.media.discardUnreferenced(stored.key);
      throw error;
    }
  }

  async update(
    kind: ImageOwnerKind,
    idOrSlug: string,
    imageId: string,
    dto: UpdateCatalogImageDto,
  ): Promise<CatalogImage> {
    return this.dataSource.transaction(async (manager) => {
      const owner = await this.owners.find(manager, kind, idOrSlug, true);
      const image = await this.imageOf(manager, owner, imageId);
      if (dto.altText !== undefined) image.altText = dto.altText.trim();
      if (dto.isPrimary === true && !image.isPrimary) await this.clearPrimary(manager, owner);
      if (dto.isPrimary !== undefined) image.isPrimary = dto.isPrimary;
      const saved = await manager.save(image);
      await this.display(manager, owner);
      return saved;
    });
  }

  /** Sets every image's position from `imageIds`, which must list each of them exactly once. */
  async reorder(
    kind: ImageOwnerKind,
    idOrSlug: string,
    imageIds: string[],
  ): Promise<CatalogImage[]> {
    return this.dataSource.transaction(async (manager) => {
      const owner = await this.owners.find(manager, kind, idOrSlug, true);
      const images = await this.imagesOf(manager, owner);
      const known = new Set(images.map((i) => i.id));
      const wanted = imageIds.map((id) => id.toLowerCase());
      if (wanted.length !== known.size || wanted.some((id) => !known.has(id)))
        throw new ValidationFailedError('imageIds must list every image of the item exactly once', [
          { field: 'imageIds', message: `expected the ${known.size} image ids of the item` },
        ]);
      await manager.query(
        `UPDATE catalog_images c SET sort_order = v.position - 1
           FROM unnest($1::uuid[]) WITH ORDINALITY AS v(id, position)
          WHERE c.id = v.id`,
        [wanted],
      );
      await this.display(manager, owner);
      return this.imagesOf(manager, owner);
    });
  }

  /** Deletes the image (its file goes after commit); the next one becomes primary if it was. */
  async delete(kind: ImageOwnerKind, idOrSlug: string, imageId: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const owner = await this.owners.find(manager, kind, idOrSlug, true);
      const image = await this.imageOf(manager, owner, imageId);
      // The delete trigger queues the file in `media_deletions` on this transaction.
      await manager.delete(CatalogImage, { id: image.id });
      await this.media.release([image.storageKey], manager);
      if (image.isPrimary) {
        const [next] = await this.imagesOf(manager, owner);
        if (next) await manager.update(CatalogImage, { id: next.id }, { isPrimary: true });
      }
      await this.display(manager, owner);
    });
  }

  private async assertRoom(
    manager: EntityManager,
    kind: ImageOwnerKind,
    idOrSlug: string,
  ): Promise<void> {
    const owner = await this.owners.find(manager, kind, idOrSlug, false);
    const count = await manager.count(CatalogImage, { where: { [OWNER_COLUMN[kind]]: owner.id } });
    if (count >= MAX_IMAGES_PER_OWNER) throw new TooManyImagesError(MAX_IMAGES_PER_OWNER);
  }

  private async imagesOf(manager: EntityManager, owner: ImageOwner): Promise<CatalogImage[]> {
    const images = await manager.find(CatalogImage, {
      where: { [OWNER_COLUMN[owner.kind]]: owner.id },
    });
    return images.sort(byDisplayOrder);
  }

  private async imageOf(
    manager: EntityManager,
    owner: ImageOwner,
    imageId: string,
  ): Promise<CatalogImage> {
    const image = await manager.findOne(CatalogImage, {
      where: { id: imageId, [OWNER_COLUMN[owner.kind]]: owner.id },
    });
    return found(image, 'Image');
  }

  private async clearPrimary(manager: EntityManager, owner: ImageOwner): Promise<void> {
    await manager.update(
      CatalogImage,
      { [OWNER_COLUMN[owner.kind]]: owner.id, isPrimary: true },
      { isPrimary: false },
    );
  }

  private async display(manager: EntityManager, owner: ImageOwner): Promise<void> {
    const images = await this.imagesOf(manager, owner);
    await this.owners.display(
      manager,
      owner,
      images.map((image) => ({ url: mediaUrl(image.storageKey), alt: image.altText })),
    );
  }
}
