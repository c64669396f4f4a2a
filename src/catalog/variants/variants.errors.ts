import {
  ConflictError,
  ValidationFailedError,
  type ErrorCodes,
  FIELD_ERRORS,
  integerDetails,
  stringDetails,
} from '@/common/domain-error.js';

export class AttributeNameTakenError extends ConflictError {
  static override readonly codes = {
    ATTRIBUTE_NAME_TAKEN: {
      status: 409,
      description: 'Another attribute already has this name',
      details: stringDetails({ name: 'Color' }),
    },
  } satisfies ErrorCodes;

  constructor(name: string) {
    super(`An attribute named ${name} already exists`, 'ATTRIBUTE_NAME_TAKEN', { name });
  }
}

export class AttributeValueTakenError extends ConflictError {
  static override readonly codes = {
    ATTRIBUTE_VALUE_TAKEN: {
      status: 409,
      description: 'The attribute already has a value with this name',
      details: stringDetails({ value: 'Navy Blue' }),
    },
  } satisfies ErrorCodes;

  constructor(value: string) {
    super(`The attribute already has the value ${value}`, 'ATTRIBUTE_VALUE_TAKEN', { value });
  }
}

export class AttributeInUseError extends ConflictError {
  static override readonly codes = {
    ATTRIBUTE_IN_USE: {
      status: 409,
      description: 'Variants still use the attribute',
      details: integerDetails({ variantCount: 4 }),
    },
  } satisfies ErrorCodes;

  constructor(variantCount: number) {
    super(
      `${variantCount} variant(s) still use this attribute; change or delete them first`,
      'ATTRIBUTE_IN_USE',
      { variantCount },
    );
  }
}

export class AttributeValueInUseError extends ConflictError {
  static override readonly codes = {
    ATTRIBUTE_VALUE_IN_USE: {
      status: 409,
      description: 'Variants still use the value',
      details: integerDetails({ variantCount: 2 }),
    },
  } satisfies ErrorCodes;

  constructor(variantCount: number) {
    super(
      `${variantCount} variant(s) still use this value; change or delete them first`,
      'ATTRIBUTE_VALUE_IN_USE',
      { variantCount },
    );
  }
}

/** A SKU is unique across products and variants, regardless of case. */
export class CatalogSkuTakenError extends ConflictError {
  static override readonly codes = {
    SKU_TAKEN: {
      status: 409,
      description: 'Another product or variant already has this SKU (SKUs ignore case)',
      details: stringDetails({ sku: 'TSHIRT-ORG-M' }),
    },
  } satisfies ErrorCodes;

  constructor(sku: string) {
    super(`SKU ${sku} is already used by another product or variant`, 'SKU_TAKEN', { sku });
  }
}

export class VariantCombinationTakenError extends ConflictError {
  static override readonly codes = {
    VARIANT_COMBINATION_TAKEN: {
      status: 409,
      description: 'Another variant of the product has the same attribute values',
      details: stringDetails({ variantId: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }, 'uuid'),
    },
  } satisfies ErrorCodes;

  constructor(variantId: string) {
    super(
      'Another variant of this product has the same attribute values',
      'VARIANT_COMBINATION_TAKEN',
      { variantId },
    );
  }
}

/** Staff set the stock of a product with active variants: it is the sum of theirs. */
export class StockManagedByVariantsError extends ConflictError {
  static override readonly codes = {
    STOCK_MANAGED_BY_VARIANTS: {
      status: 409,
      description: 'The product has active variants: its stock is the sum of theirs',
    },
  } satisfies ErrorCodes;

  constructor() {
    super(
      "The product has active variants: its stock is the sum of theirs; change the variants' stock",
      'STOCK_MANAGED_BY_VARIANTS',
    );
  }
}

export class UnknownAttributeValueError extends ValidationFailedError {
  constructor(ids: string[]) {
    super(`attributeValueIds has unknown value(s): ${ids.join(', ')}`, [
      { field: 'attributeValueIds', message: `unknown: ${ids.join(', ')}` },
    ]);
  }
}

export class DuplicateVariantAttributeError extends ValidationFailedError {
  constructor(attributeName: string) {
    super(`attributeValueIds has more than one value of ${attributeName}`, [
      { field: 'attributeValueIds', message: `one value per attribute (${attributeName})` },
    ]);
  }
}

/** Every variant of a product is described by the same attributes (e.g. all by Color and Size). */
export class VariantAttributesMismatchError extends ValidationFailedError {
  constructor(expected: string[]) {
    super(`The product's variants are described by: ${expected.join(', ')}`, [
      {
        field: 'attributeValueIds',
        message: `one value of each of: ${expected.join(', ')}`,
      },
    ]);
  }
}

/** A cart line of a product with active variants needs one of them. */
export class VariantRequiredError extends ValidationFailedError {
  static override readonly codes = {
    VARIANT_REQUIRED: {
      status: 400,
      description: 'The product comes in variants: `variantId` is required',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  override readonly code = 'VARIANT_REQUIRED';
  constructor(productId: string) {
    super('This product comes in variants: choose one (variantId)', [
      { field: 'variantId', message: `required for product ${productId}` },
    ]);
  }
}

/** A product's stock is the sum of its active variants' stock, which must fit 2,147,483,647. */
export class ProductStockTooLargeError extends ConflictError {
  static override readonly codes = {
    PRODUCT_STOCK_TOO_LARGE: {
      status: 409,
      description: "The product's variants together would hold more than 2,147,483,647 units",
      details: integerDetails({ maxTotalStock: 2_147_483_647 }),
    },
  } satisfies ErrorCodes;

  constructor() {
    super(
      "The product's variants together would hold more stock than 2,147,483,647 units",
      'PRODUCT_STOCK_TOO_LARGE',
      { maxTotalStock: 2_147_483_647 },
    );
  }
}
