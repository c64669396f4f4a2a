import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { found } from '@/common/domain-error.js';
import { AfterCommit, DomainEventBus } from '@/common/events/domain-event-bus.js';
import { parseRef } from '@/common/refs.js';
import { CatalogCache } from '../cache/catalog-cache.service.js';
import { CatalogImagesChanged } from '../events/catalog-images-changed.event.js';
import type { ProductImage } from '../products/product.entity.js';

export const IMAGE_OWNER_KINDS = ['product', 'category', 'brand'] as const;
export type ImageOwnerKind = (typeof IMAGE_OWNER_KINDS)[number];

/** A product, category or brand that holds uploaded images, as read under its row lock. */
export interface ImageOwner {
  kind: ImageOwnerKind;
  id: string;
  slug: string;
}

const TABLE: Record<ImageOwnerKind, string> = {
  product: 'products',
  category: 'categories',
  brand: 'brands',
};
/** The single-URL column of categories and brands that shows their primary image. */
const URL_COLUMN = { category: 'image_url', brand: 'logo_url' } as const;
const LABEL: Record<ImageOwnerKind, string> = {
  product: 'Product',
  category: 'Category',
  brand: 'Brand',
};

/** Uploaded files are served under this prefix; other image URLs are external ones staff set. */
const UPLOADED_PREFIX = '/media/';
export const isUploadedImageUrl = (url: string | null | undefined): boolean =>
  typeof url === 'string' && url.startsWith(UPLOADED_PREFIX);

/**
 * The catalog's side of uploaded images: the media module locks the owner of the images it
 * changes and hands the catalog the resulting list to display. A product shows the uploaded
 * images first (primary first, then in order), then the external images staff set with
 * `updateProduct`; a category's `imageUrl` and a brand's `logoUrl` show the primary uploaded
 * image. The affected catalog reads are invalidated once the transaction commits.
 */
@Injectable()
export class CatalogImageOwners {
  constructor(
    private readonly events: DomainEventBus,
    private readonly cache: CatalogCache,
  ) {}

  @AfterCommit(CatalogImagesChanged)
  async bumpCache(event: CatalogImagesChanged): Promise<void> {
    if (event.ownerKind === 'product') await this.cache.bump('productImages', event.ownerSlug);
    else await this.cache.bump('taxonomyImage', event.ownerKind);
  }

  /**
   * Resolves `idOrSlug` (404 when absent) and, with `lock`, locks the row so image changes of
   * one owner run one at a time. `FOR NO KEY UPDATE` leaves foreign-key checks (image rows,
   * cart lines) unblocked.
   */
  async find(
    manager: EntityManager,
    kind: ImageOwnerKind,
    idOrSlug: string,
    lock: boolean,
  ): Promise<ImageOwner> {
    const ref = parseRef(idOrSlug);
    const [column, value] = 'id' in ref ? ['id', ref.id] : ['slug', ref.slug];
    const rows = await manager.query<Array<{ id: string; slug: string }>>(
      `SELECT id, slug FROM ${TABLE[kind]} WHERE ${column} = $1${lock ? ' FOR NO KEY UPDATE' : ''}`,
      [value],
    );
    const row = found(rows[0], LABEL[kind]);
    return { kind, id: row.id, slug: row.slug };
  }

  /**
   * Shows `uploaded` (already in display order, primary first) on the owner; call inside the
   * transaction that changed them, with the owner locked by {@link find}.
   */
  async display(
    manager: EntityManager,
    owner: ImageOwner,
    uploaded: readonly ProductImage[],
  ): Promise<void> {
    if (owner.kind === 'product') {
      const [row] = await manager.query<Array<{ images: ProductImage[] }>>(
        `SELECT images FROM products WHERE id = $1`,
        [owner.id],
      );
      const external = (row?.images ?? []).filter((image) => !isUploadedImageUrl(image.url));
      await manager.query(
        `UPDATE products SET images = $2::jsonb, updated_at = now() WHERE id = $1`,
        [owner.id, JSON.stringify([...uploaded, ...external])],
      );
      this.events.record(new CatalogImagesChanged(owner.kind, owner.slug), manager);
      return;
    }
    const column = URL_COLUMN[owner.kind];
    const primary = uploaded[0]?.url;
    // With no uploaded image left, an uploaded URL is cleared; an external one staff set stays.
    await manager.query(
      `UPDATE ${TABLE[owner.kind]}
          SET ${column} = CASE WHEN $2::varchar IS NOT NULL THEN $2::varchar
                               WHEN ${column} LIKE '${UPLOADED_PREFIX}%' THEN NULL
                               ELSE ${column} END,
              updated_at = now()
        WHERE id = $1`,
      [owner.id, primary ?? null],
    );
    this.events.record(new CatalogImagesChanged(owner.kind, owner.slug), manager);
  }
}
