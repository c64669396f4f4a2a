import {
  ConflictError,
  DomainError,
  type ErrorCodes,
  stringDetails,
} from '@/common/domain-error.js';
import type { ReviewStatus } from './review.entity.js';

export class PurchaseRequiredError extends DomainError {
  static override readonly codes = {
    PURCHASE_REQUIRED: {
      status: 403,
      description: 'Only customers with a delivered order of the product can review it',
    },
  } satisfies ErrorCodes;

  readonly code = 'PURCHASE_REQUIRED';
  readonly status = 403;
  constructor() {
    super('Only customers who received this product (a delivered order) can review it');
  }
}

export class ReviewExistsError extends ConflictError {
  static override readonly codes = {
    REVIEW_EXISTS: {
      status: 409,
      description: 'You have already reviewed this product: edit your review instead',
      details: stringDetails({ productId: '3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90' }, 'uuid'),
    },
  } satisfies ErrorCodes;

  constructor(productId: string) {
    super('You have already reviewed this product; edit your review instead', 'REVIEW_EXISTS', {
      productId,
    });
  }
}

export class ReviewAlreadyInStatusError extends ConflictError {
  static override readonly codes = {
    REVIEW_ALREADY_IN_STATUS: {
      status: 409,
      description: 'The review already has the status asked',
      details: {
        type: 'object',
        properties: { status: { $ref: '#/components/schemas/ReviewStatus' } },
        required: ['status'],
        example: { status: 'approved' },
      },
    },
  } satisfies ErrorCodes;

  constructor(status: ReviewStatus) {
    super(`The review is already ${status}`, 'REVIEW_ALREADY_IN_STATUS', { status });
  }
}
