import type { Review } from '../review.entity.js';
import type { ReviewDto, ReviewProductDto } from './review.dto.js';

/** `public`: what anyone may see; `private`: the author and staff also see moderation fields. */
export type ReviewAudience = 'public' | 'private';

export function toReviewDto(
  review: Review,
  product: ReviewProductDto,
  audience: ReviewAudience,
): ReviewDto {
  return {
    id: review.id,
    product: { id: product.id, slug: product.slug, name: product.name },
    authorName: review.authorName,
    rating: review.rating,
    title: review.title,
    text: review.text,
    verifiedPurchase: true,
    status: review.status,
    ...(audience === 'private'
      ? {
          moderationNote: review.moderationNote,
          moderatedAt: review.moderatedAt?.toISOString() ?? null,
          userId: review.userId,
        }
      : {}),
    createdAt: review.createdAt.toISOString(),
    updatedAt: review.updatedAt.toISOString(),
  };
}

/** `Ada Lovelace` → `Ada L.`: enough to tell reviewers apart, not enough to find them. */
export function publicAuthorName(fullName: string): string {
  const words = fullName.trim().split(/\s+/u).filter(Boolean);
  const [first, ...rest] = words;
  if (!first) return 'Customer';
  const last = rest.at(-1);
  const initial = last ? ` ${Array.from(last)[0]?.toLocaleUpperCase() ?? ''}.` : '';
  return `${Array.from(first).slice(0, 60).join('')}${initial}`;
}
