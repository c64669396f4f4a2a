import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UsersService } from '@/accounts/users.service.js';
import { ProductRatingService, type RatedProduct } from '@/catalog/index.js';
import { type AuthUser, isStaff } from '@/common/auth.js';
import { found } from '@/common/domain-error.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import type { ModerateReviewDto, ReviewDto, UpdateReviewDto } from './dto/review.dto.js';
import { publicAuthorName, toReviewDto } from './dto/review.mapper.js';
import { Review } from './review.entity.js';
import { ReviewAlreadyInStatusError } from './reviews.errors.js';

/** Who may touch a review: its author, or (for deletes and moderation) staff. */
type Access = { authorId: string } | { staff: true };

/**
 * Every change to an existing review: the author's edit and delete, staff moderation. Each runs
 * in one transaction that locks the product row first (always product, then review: no
 * deadlocks), changes the review, and — when the set of approved reviews changed — recomputes
 * the product's rating with an aggregate over its approved reviews. The lock makes concurrent
 * changes to one product's reviews queue up, and the aggregate, a statement started after the
 * lock was granted, sees every earlier commit: the average stays exact under concurrency.
 */
@Injectable()
export class ReviewChangesService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly ratings: ProductRatingService,
    private readonly users: UsersService,
  ) {}

  /** The author edits their review; it goes back to moderation (and out of the average). */
  async edit(actor: AuthUser, id: string, dto: UpdateReviewDto): Promise<ReviewDto> {
    const authorName = publicAuthorName((await this.users.get(actor.id)).name);
    return this.change(id, { authorId: actor.id }, (review) => {
      if (dto.rating !== undefined) review.rating = dto.rating;
      if (dto.title !== undefined) review.title = dto.title;
      if (dto.text !== undefined) review.text = dto.text;
      review.authorName = authorName;
      review.status = 'pending';
      review.moderationNote = null;
      review.moderatedBy = null;
      review.moderatedAt = null;
      return 'save';
    });
  }

  /** The author, or staff, deletes a review. */
  async delete(actor: AuthUser, id: string): Promise<void> {
    await this.change(
      id,
      isStaff(actor) ? { staff: true } : { authorId: actor.id },
      () => 'delete',
    );
  }

  /** Staff approve or reject a review (or change their mind); the same status again is a 409. */
  async moderate(actor: AuthUser, id: string, dto: ModerateReviewDto): Promise<ReviewDto> {
    return this.change(id, { staff: true }, (review) => {
      if (review.status === dto.status) throw new ReviewAlreadyInStatusError(dto.status);
      review.status = dto.status;
      review.moderationNote = dto.note ?? null;
      review.moderatedBy = actor.id;
      review.moderatedAt = new Date();
      return 'save';
    });
  }

  private async change(
    id: string,
    access: Access,
    apply: (review: Review) => 'save' | 'delete',
  ): Promise<ReviewDto> {
    const owned = 'authorId' in access ? { userId: access.authorId } : {};
    // The product of a review never changes: read it unlocked to know which row to lock first.
    const { productId } = found(
      await this.db.manager.findOne(Review, {
        select: { id: true, productId: true },
        where: { id, ...owned },
      }),
      'Review',
    );
    return withTransactionRetry(() =>
      this.db.transaction(async (manager) => {
        // A deleted product took its reviews with it.
        const product = found(await this.ratings.lock(manager, productId), 'Review');
        const review = found(
          await manager.findOne(Review, {
            where: { id, ...owned },
            lock: { mode: 'pessimistic_write' },
          }),
          'Review',
        );
        const wasApproved = review.status === 'approved';
        const dto = toReviewDto(review, product, 'private');
        if (apply(review) === 'delete') {
          await manager.delete(Review, { id });
          if (wasApproved) await this.recompute(manager, product);
          return dto;
        }
        const saved = await manager.save(review);
        if (wasApproved || saved.status === 'approved') await this.recompute(manager, product);
        return toReviewDto(saved, product, 'private');
      }),
    );
  }

  private async recompute(manager: EntityManager, product: RatedProduct): Promise<void> {
    const [row] = await manager.query<Array<{ count: number; average: string }>>(
      `SELECT count(*)::int AS count, coalesce(round(avg(rating), 2), 0)::text AS average
         FROM reviews WHERE product_id = $1 AND status = 'approved'`,
      [product.id],
    );
    await this.ratings.set(manager, product, {
      count: row?.count ?? 0,
      average: Number(row?.average ?? 0),
    });
  }
}
