import { ConflictError, DomainError } from '@/common/domain-error.js';
import type { ReviewStatus } from './review.entity.js';

export class PurchaseRequiredError extends DomainError {
  readonly code = 'PURCHASE_REQUIRED';
  readonly status = 403;
  constructor() {
    super('Only customers who received this product (a delivered order) can review it');
  }
}

export class ReviewExistsError extends ConflictError {
  constructor(productId: string) {
    super('You have already reviewed this product; edit your review instead', 'REVIEW_EXISTS', {
      productId,
    });
  }
}

export class ReviewAlreadyInStatusError extends ConflictError {
  constructor(status: ReviewStatus) {
    super(`The review is already ${status}`, 'REVIEW_ALREADY_IN_STATUS', { status });
  }
}
