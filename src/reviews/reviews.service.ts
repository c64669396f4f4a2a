import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository, type SelectQueryBuilder } from 'typeorm';
import { UsersService } from '@/accounts/users.service.js';
import { ProductsService } from '@/catalog/index.js';
import { type AuthUser, isStaff } from '@/common/auth.js';
import { NotFoundError } from '@/common/domain-error.js';
import { type Page, type PageQueryDto, pageOf, resolvePage } from '@/common/pagination.js';
import { PgError, isPgError } from '@/database/pg-errors.js';
import { PurchaseVerificationService } from '@/orders/purchase-verification.service.js';
import type {
  CreateReviewDto,
  ListProductReviewsQueryDto,
  ListReviewsQueryDto,
  ReviewDto,
  ReviewProductDto,
  ReviewSort,
} from './dto/review.dto.js';
import { publicAuthorName, toReviewDto } from './dto/review.mapper.js';
import { Review } from './review.entity.js';
import { PurchaseRequiredError, ReviewExistsError } from './reviews.errors.js';

/** Writing a review and every read of reviews (public, the author's, the moderation queue). */
@Injectable()
export class ReviewsService {
  constructor(
    @InjectRepository(Review) private readonly reviews: Repository<Review>,
    private readonly products: ProductsService,
    private readonly purchases: PurchaseVerificationService,
    private readonly users: UsersService,
  ) {}

  /**
   * A review of an active product the caller received, pending moderation. One per customer
   * and product: the unique constraint decides between concurrent attempts.
   */
  async create(actor: AuthUser, idOrSlug: string, dto: CreateReviewDto): Promise<ReviewDto> {
    const product = await this.activeProduct(idOrSlug);
    if (!(await this.purchases.hasReceivedProduct(actor.id, product.id))) {
      throw new PurchaseRequiredError();
    }
    const author = await this.users.get(actor.id);
    try {
      const saved = await this.reviews.save(
        this.reviews.create({
          productId: product.id,
          userId: actor.id,
          authorName: publicAuthorName(author.name),
          rating: dto.rating,
          title: dto.title,
          text: dto.text,
          status: 'pending',
        }),
      );
      return toReviewDto(saved, product, 'private');
    } catch (error) {
      if (isPgError(error, PgError.UNIQUE_VIOLATION, 'reviews_user_product_key'))
        throw new ReviewExistsError(product.id);
      throw error;
    }
  }

  /** The approved reviews of an active product. */
  async listForProduct(
    idOrSlug: string,
    query: ListProductReviewsQueryDto,
  ): Promise<Page<ReviewDto>> {
    const product = await this.activeProduct(idOrSlug);
    const qb = this.reviews
      .createQueryBuilder('r')
      .where('r.productId = :productId', { productId: product.id })
      .andWhere("r.status = 'approved'");
    if (query.rating !== undefined) qb.andWhere('r.rating = :rating', { rating: query.rating });
    const { page, pageSize, offset } = resolvePage(query);
    const [rows, total] = await sorted(qb, query.sort)
      .offset(offset)
      .limit(pageSize)
      .getManyAndCount();
    return pageOf(
      rows.map((r) => toReviewDto(r, product, 'public')),
      total,
      page,
      pageSize,
    );
  }

  /** The caller's own reviews, whatever their status, newest first. */
  async listMine(actor: AuthUser, query: PageQueryDto): Promise<Page<ReviewDto>> {
    const qb = this.reviews.createQueryBuilder('r').where('r.userId = :userId', {
      userId: actor.id,
    });
    return this.page(qb, query, undefined);
  }

  /** Staff: every review, filtered (e.g. the `pending` moderation queue). */
  async listAll(query: ListReviewsQueryDto): Promise<Page<ReviewDto>> {
    const qb = this.reviews.createQueryBuilder('r').where('1 = 1');
    if (query.status) qb.andWhere('r.status = :status', { status: query.status });
    if (query.productId) qb.andWhere('r.productId = :productId', { productId: query.productId });
    if (query.userId) qb.andWhere('r.userId = :userId', { userId: query.userId });
    if (query.rating !== undefined) qb.andWhere('r.rating = :rating', { rating: query.rating });
    return this.page(qb, query, query.sort ?? 'createdAt'); // oldest first: a queue
  }

  /**
   * One review: an approved one of an active product for anyone, any other only for its author
   * and staff (for the rest it does not exist). A review of an inactive product is as hidden as
   * the product, which getProduct and listProductReviews answer 404 for: its name must not leak
   * through here. Its author and staff still see it, as listMyReviews and listReviews show it.
   */
  async get(id: string, viewer: AuthUser | undefined): Promise<ReviewDto> {
    const review = await this.reviews.findOne({ where: { id } });
    const privileged = review !== null && (isStaff(viewer) || review.userId === viewer?.id);
    const product =
      review && (await this.products.findByIds([review.productId])).get(review.productId);
    const isPublic = review?.status === 'approved' && product?.isActive === true;
    if (!review || !product || !(isPublic || privileged)) throw new NotFoundError('Review');
    const ref = { id: product.id, slug: product.slug, name: product.name };
    return toReviewDto(review, ref, privileged ? 'private' : 'public');
  }

  private async page(
    qb: SelectQueryBuilder<Review>,
    query: PageQueryDto,
    sort: ReviewSort | undefined,
  ): Promise<Page<ReviewDto>> {
    const { page, pageSize, offset } = resolvePage(query);
    const [rows, total] = await sorted(qb, sort).offset(offset).limit(pageSize).getManyAndCount();
    const products = await this.productRefs(rows.map((r) => r.productId));
    const items = rows.flatMap((r) => {
      const product = products.get(r.productId);
      return product ? [toReviewDto(r, product, 'private')] : [];
    });
    return pageOf(items, total, page, pageSize);
  }

  private async activeProduct(idOrSlug: string): Promise<ReviewProductDto> {
    const product = await this.products.getBySlug(await this.products.slugOf(idOrSlug), false);
    return { id: product.id, slug: product.slug, name: product.name };
  }

  private async productRefs(ids: string[]): Promise<Map<string, ReviewProductDto>> {
    const products = await this.products.findByIds([...new Set(ids)]);
    return new Map(
      [...products.values()].map((p) => [p.id, { id: p.id, slug: p.slug, name: p.name }]),
    );
  }
}

function sorted(
  qb: SelectQueryBuilder<Review>,
  sort: ReviewSort | undefined,
): SelectQueryBuilder<Review> {
  switch (sort ?? '-createdAt') {
    case '-createdAt':
      return qb.orderBy('r.createdAt', 'DESC').addOrderBy('r.id', 'DESC');
    case 'createdAt':
      return qb.orderBy('r.createdAt', 'ASC').addOrderBy('r.id', 'ASC');
    case '-rating':
      return qb
        .orderBy('r.rating', 'DESC')
        .addOrderBy('r.createdAt', 'DESC')
        .addOrderBy('r.id', 'DESC');
    case 'rating':
      return qb
        .orderBy('r.rating', 'ASC')
        .addOrderBy('r.createdAt', 'DESC')
        .addOrderBy('r.id', 'DESC');
  }
}
