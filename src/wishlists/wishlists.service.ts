import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In } from 'typeorm';
import { ProductsService } from '@/catalog/index.js';
import { found, NotFoundError } from '@/common/domain-error.js';
import { PgError, isPgError } from '@/database/pg-errors.js';
import {
  type CreateWishlistDto,
  DEFAULT_WISHLIST_NAME,
  MAX_WISHLIST_ITEMS,
  MAX_WISHLISTS,
  type SharedWishlistDto,
  type UpdateWishlistDto,
  type WishlistDto,
  type WishlistItemDto,
  type WishlistListDto,
  type WishlistSummaryDto,
} from './dto/wishlist.dto.js';
import { WishlistItem } from './wishlist-item.entity.js';
import type { WishlistRef } from './wishlist-ref.pipe.js';
import { Wishlist } from './wishlist.entity.js';
import { DefaultWishlistRequiredError, WishlistLimitError } from './wishlists.errors.js';

export const newShareToken = (): string => randomBytes(32).toString('base64url');
export const SHARE_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * A user's wishlists. Changes to which list is the default, and to how many lists there are,
 * run under a per-user transaction-scoped advisory lock, so concurrent requests keep exactly
 * one default (the partial unique index is the backstop) and the limits hold.
 */
@Injectable()
export class WishlistsService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly products: ProductsService,
  ) {}

  async list(userId: string): Promise<WishlistListDto> {
    const lists = await this.db.manager.find(Wishlist, {
      where: { userId },
      order: { isDefault: 'DESC', createdAt: 'ASC', id: 'ASC' },
    });
    const counts = await this.itemCounts(lists.map((w) => w.id));
    return { items: lists.map((w) => summary(w, counts.get(w.id) ?? 0)) };
  }

  /** A new wishlist; the user's first one (or one asked to be) becomes the default. */
  async create(userId: string, dto: CreateWishlistDto): Promise<WishlistDto> {
    const id = await this.db.transaction(async (manager) => {
      await lockUser(manager, userId);
      const existing = await manager.count(Wishlist, { where: { userId } });
      if (existing >= MAX_WISHLISTS) throw new WishlistLimitError('wishlists', MAX_WISHLISTS);
      const makeDefault = dto.isDefault === true || existing === 0;
      if (makeDefault) await clearDefault(manager, userId);
      const saved = await manager.save(
        manager.create(Wishlist, {
          userId,
          name: dto.name,
          isPublic: dto.isPublic ?? false,
          isDefault: makeDefault,
          shareToken: newShareToken(),
        }),
      );
      return saved.id;
    });
    return this.view(await this.own(this.db.manager, userId, { id }));
  }

  async get(userId: string, ref: WishlistRef): Promise<WishlistDto> {
    return this.view(await this.own(this.db.manager, userId, ref));
  }

  async update(userId: string, ref: WishlistRef, dto: UpdateWishlistDto): Promise<WishlistDto> {
    const id = await this.db.transaction(async (manager) => {
      await lockUser(manager, userId);
      const wishlist = await this.own(manager, userId, ref);
      if (dto.isDefault === false && wishlist.isDefault) throw new DefaultWishlistRequiredError();
      if (dto.isDefault === true && !wishlist.isDefault) {
        await clearDefault(manager, userId);
        wishlist.isDefault = true;
      }
      if (dto.name !== undefined) wishlist.name = dto.name;
      if (dto.isPublic !== undefined) wishlist.isPublic = dto.isPublic;
      await manager.save(wishlist);
      return wishlist.id;
    });
    return this.view(await this.own(this.db.manager, userId, { id }));
  }

  /** Deletes a wishlist and its items; deleting the default makes the oldest other one default. */
  async delete(userId: string, ref: WishlistRef): Promise<void> {
    await this.db.transaction(async (manager) => {
      await lockUser(manager, userId);
      const wishlist = await this.own(manager, userId, ref);
      await manager.delete(Wishlist, { id: wishlist.id });
      if (wishlist.isDefault) {
        await manager.query(
          `UPDATE wishlists SET is_default = true, updated_at = now()
            WHERE id = (SELECT id FROM wishlists WHERE user_id = $1 ORDER BY created_at, id LIMIT 1)`,
          [userId],
        );
      }
    });
  }

  /** A new share token: links with the old one stop working. */
  async rotateShareToken(userId: string, ref: WishlistRef): Promise<WishlistDto> {
    const wishlist = await this.own(this.db.manager, userId, ref);
    wishlist.shareToken = newShareToken();
    await this.db.manager.save(wishlist);
    return this.view(wishlist);
  }

  /** Adds an active product; adding one already there changes nothing (idempotent). */
  async addItem(userId: string, ref: WishlistRef, productId: string): Promise<WishlistDto> {
    const product = (await this.products.findByIds([productId])).get(productId);
    if (!product?.isActive) throw new NotFoundError('Product');
    const id = await this.db.transaction(async (manager) => {
      // The list's row lock serializes adds to it, so the item limit holds.
      const wishlist = await this.own(manager, userId, ref, true);
      const [row] = await manager.query<Array<{ count: number; present: boolean }>>(
        `SELECT count(*)::int AS count, coalesce(bool_or(product_id = $2), false) AS present
           FROM wishlist_items WHERE wishlist_id = $1`,
        [wishlist.id, productId],
      );
      if (row?.present) return wishlist.id;
      if ((row?.count ?? 0) >= MAX_WISHLIST_ITEMS)
        throw new WishlistLimitError('items', MAX_WISHLIST_ITEMS);
      await manager.query(
        `INSERT INTO wishlist_items (wishlist_id, product_id) VALUES ($1, $2)
         ON CONFLICT (wishlist_id, product_id) DO NOTHING`,
        [wishlist.id, productId],
      );
      await touch(manager, wishlist.id);
      return wishlist.id;
    });
    return this.view(await this.own(this.db.manager, userId, { id }));
  }

  async removeItem(userId: string, ref: WishlistRef, productId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const wishlist = await this.own(manager, userId, ref);
      const result = await manager.delete(WishlistItem, { wishlistId: wishlist.id, productId });
      if (!result.affected) throw new NotFoundError('Wishlist item');
      await touch(manager, wishlist.id);
    });
  }

  /**
   * Takes the item off the list, atomically: of two concurrent moves of one item only one finds
   * it (the other is a 404), so the cart is not given the product twice.
   */
  async takeItem(
    userId: string,
    ref: WishlistRef,
    productId: string,
  ): Promise<{ wishlistId: string; addedAt: Date }> {
    return this.db.transaction(async (manager) => {
      const wishlist = await this.own(manager, userId, ref);
      const rows = await manager.query<Array<{ added_at: Date }>>(
        `WITH taken AS (
           DELETE FROM wishlist_items WHERE wishlist_id = $1 AND product_id = $2 RETURNING added_at)
         SELECT added_at FROM taken`,
        [wishlist.id, productId],
      );
      const taken = found(rows[0], 'Wishlist item');
      await touch(manager, wishlist.id);
      return { wishlistId: wishlist.id, addedAt: taken.added_at };
    });
  }

  /**
   * Puts back an item {@link takeItem} took (the cart refused the product), where it was; a
   * wishlist or product deleted meanwhile is left alone.
   */
  async restoreItem(wishlistId: string, productId: string, addedAt: Date): Promise<void> {
    await this.db
      .query(
        `INSERT INTO wishlist_items (wishlist_id, product_id, added_at)
         SELECT $1, $2, $3 WHERE EXISTS (SELECT 1 FROM wishlists WHERE id = $1)
         ON CONFLICT (wishlist_id, product_id) DO NOTHING`,
        [wishlistId, productId, addedAt],
      )
      .catch((error: unknown) => {
        // The product was deleted meanwhile (or the list, after the EXISTS).
        if (!isPgError(error, PgError.FOREIGN_KEY_VIOLATION)) throw error;
      });
  }

  /** A public wishlist by its share token; a private or unknown one does not exist. */
  async shared(token: string): Promise<SharedWishlistDto> {
    if (!SHARE_TOKEN.test(token)) throw new NotFoundError('Wishlist');
    const wishlist = found(
      await this.db.manager.findOne(Wishlist, { where: { shareToken: token, isPublic: true } }),
      'Wishlist',
    );
    const items = (await this.itemsOf(wishlist.id)).filter((i) => i.product.isActive);
    return {
      name: wishlist.name,
      items,
      itemCount: items.length,
      updatedAt: wishlist.updatedAt.toISOString(),
    };
  }

  /**
   * The user's wishlist; `default` is their default one, created when they have no wishlist
   * yet. Another user's list is "not found" (never "forbidden").
   */
  private async own(
    manager: EntityManager,
    userId: string,
    ref: WishlistRef,
    lock = false,
  ): Promise<Wishlist> {
    const id = 'id' in ref ? ref.id : await this.defaultId(manager, userId);
    return found(
      await manager.findOne(Wishlist, {
        where: { id, userId },
        ...(lock ? { lock: { mode: 'pessimistic_write' as const } } : {}),
      }),
      'Wishlist',
    );
  }

  private async defaultId(manager: EntityManager, userId: string): Promise<string> {
    const existing = await findDefault(manager, userId);
    if (existing) return existing;
    const create = async (tx: EntityManager): Promise<string> => {
      await lockUser(tx, userId);
      const raced = await findDefault(tx, userId);
      if (raced) return raced;
      const saved = await tx.save(
        tx.create(Wishlist, {
          userId,
          name: DEFAULT_WISHLIST_NAME,
          isDefault: true,
          isPublic: false,
          shareToken: newShareToken(),
        }),
      );
      return saved.id;
    };
    return manager.queryRunner?.isTransactionActive ? create(manager) : this.db.transaction(create);
  }

  private async view(wishlist: Wishlist): Promise<WishlistDto> {
    const items = await this.itemsOf(wishlist.id);
    return { ...summary(wishlist, items.length), items };
  }

  private async itemsOf(wishlistId: string): Promise<WishlistItemDto[]> {
    const rows = await this.db.manager.find(WishlistItem, {
      where: { wishlistId },
      order: { addedAt: 'DESC', id: 'DESC' },
    });
    const products = await this.products.findByIds(rows.map((r) => r.productId));
    return rows.flatMap((row) => {
      const product = products.get(row.productId);
      return product
        ? [{ productId: row.productId, product, addedAt: row.addedAt.toISOString() }]
        : [];
    });
  }

  private async itemCounts(ids: string[]): Promise<Map<string, number>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.manager
      .createQueryBuilder(WishlistItem, 'i')
      .select('i.wishlistId', 'wishlistId')
      .addSelect('count(*)::int', 'count')
      .where({ wishlistId: In(ids) })
      .groupBy('i.wishlistId')
      .getRawMany<{ wishlistId: string; count: number }>();
    return new Map(rows.map((r) => [r.wishlistId, r.count]));
  }
}

function summary(wishlist: Wishlist, itemCount: number): WishlistSummaryDto {
  return {
    id: wishlist.id,
    name: wishlist.name,
    isDefault: wishlist.isDefault,
    isPublic: wishlist.isPublic,
    shareToken: wishlist.shareToken,
    itemCount,
    createdAt: wishlist.createdAt.toISOString(),
    updatedAt: wishlist.updatedAt.toISOString(),
  };
}

/** Serializes this user's default and count changes until the transaction ends. */
async function lockUser(manager: EntityManager, userId: string): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
    `wishlists:${userId}`,
  ]);
}

async function findDefault(manager: EntityManager, userId: string): Promise<string | undefined> {
  const row = await manager.findOne(Wishlist, {
    select: { id: true },
    where: { userId, isDefault: true },
  });
  return row?.id;
}

async function clearDefault(manager: EntityManager, userId: string): Promise<void> {
  await manager.query(
    `UPDATE wishlists SET is_default = false, updated_at = now() WHERE user_id = $1 AND is_default`,
    [userId],
  );
}

async function touch(manager: EntityManager, wishlistId: string): Promise<void> {
  await manager.query(`UPDATE wishlists SET updated_at = now() WHERE id = $1`, [wishlistId]);
}
