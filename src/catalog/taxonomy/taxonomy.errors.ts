import {
  ConflictError,
  ValidationFailedError,
  type ErrorCodes,
  integerDetails,
} from '@/common/domain-error.js';

export class CategoryInUseError extends ConflictError {
  static override readonly codes = {
    CATEGORY_IN_USE: {
      status: 409,
      description: 'The category still has products',
      details: integerDetails({ productCount: 12 }),
    },
  } satisfies ErrorCodes;

  constructor(productCount: number) {
    super(
      `The category still has ${productCount} product(s); move or delete them first`,
      'CATEGORY_IN_USE',
      { productCount },
    );
  }
}

export class CategoryHasChildrenError extends ConflictError {
  static override readonly codes = {
    CATEGORY_HAS_CHILDREN: { status: 409, description: 'The category still has subcategories' },
  } satisfies ErrorCodes;

  constructor() {
    super('The category has subcategories; move or delete them first', 'CATEGORY_HAS_CHILDREN');
  }
}

export class BrandInUseError extends ConflictError {
  static override readonly codes = {
    BRAND_IN_USE: {
      status: 409,
      description: 'The brand still has products',
      details: integerDetails({ productCount: 7 }),
    },
  } satisfies ErrorCodes;

  constructor(productCount: number) {
    super(
      `The brand still has ${productCount} product(s); move or delete them first`,
      'BRAND_IN_USE',
      { productCount },
    );
  }
}

export class UnknownReferenceError extends ValidationFailedError {
  constructor(field: 'categoryId' | 'brandId' | 'parentId') {
    super(`${field} does not match an existing ${field === 'brandId' ? 'brand' : 'category'}`, [
      { field, message: 'does not exist' },
    ]);
  }
}

export class CategoryCycleError extends ValidationFailedError {
  constructor() {
    super('parentId would make the category its own ancestor', [
      { field: 'parentId', message: 'would create a cycle' },
    ]);
  }
}
