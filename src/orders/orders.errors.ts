import {
  ConflictError,
  DomainError,
  ForbiddenError,
  ValidationFailedError,
  type ErrorCodes,
  type DetailsSchema,
  FIELD_ERRORS,
} from '@/common/domain-error.js';
import type { OrderStatus } from './order-state-machine.js';

/** A line that wants more than is in stock (a cart line, or a line of the cart at checkout). */
export interface StockShortage {
  productId: string;
  variantId?: string;
  requested: number;
  available: number;
}

const STOCK_SHORTAGES: DetailsSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: {
      productId: { type: 'string', format: 'uuid' },
      variantId: { type: 'string', format: 'uuid', description: 'When the line is a variant' },
      requested: { type: 'integer', description: 'Units the line asked for' },
      available: { type: 'integer', description: 'Units in stock now' },
    },
    required: ['productId', 'requested', 'available'],
  },
  description: 'Each short line; empty when stock ran out between the check and the taking (retry)',
  example: [
    {
      productId: '3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90',
      variantId: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
      requested: 3,
      available: 1,
    },
  ],
};

const UNAVAILABLE_LINES: DetailsSchema = {
  type: 'array',
  items: {
    oneOf: [
      {
        type: 'object',
        properties: { productId: { type: 'string', format: 'uuid' } },
        required: ['productId'],
        additionalProperties: false,
        description: 'An inactive product',
      },
      {
        type: 'object',
        properties: { cartItemId: { type: 'string', format: 'uuid' } },
        required: ['cartItemId'],
        additionalProperties: false,
        description: 'The cart line of a deleted product',
      },
    ],
  },
  example: [
    { productId: '3f2b8c1e-6a4d-4e0b-9c57-1d8e2f4a6b90' },
    { cartItemId: 'a1c2e3f4-5b6d-4e8f-9a0b-1c2d3e4f5a6b' },
  ],
};

const TRANSITION: DetailsSchema = {
  type: 'object',
  properties: {
    from: { $ref: '#/components/schemas/OrderStatus' },
    to: { $ref: '#/components/schemas/OrderStatus' },
  },
  required: ['from', 'to'],
  example: { from: 'delivered', to: 'cancelled' },
};

export class InsufficientStockError extends ConflictError {
  static override readonly codes = {
    INSUFFICIENT_STOCK: {
      status: 409,
      description:
        'Not enough stock for a line: `details` lists each short line, with what is available',
      details: STOCK_SHORTAGES,
    },
  } satisfies ErrorCodes;

  constructor(details: StockShortage[], message = 'Not enough stock') {
    super(message, 'INSUFFICIENT_STOCK', details);
  }
}

/** Details: `{productId}` of each inactive product, `{cartItemId}` of each deleted one's line. */
export class ProductUnavailableError extends ConflictError {
  static override readonly codes = {
    PRODUCT_UNAVAILABLE: {
      status: 409,
      description: 'Products of the cart are inactive or deleted: remove those lines',
      details: UNAVAILABLE_LINES,
    },
  } satisfies ErrorCodes;

  constructor(productIds: string[], deletedLineIds: string[] = []) {
    super(
      'Some products in the cart are no longer available; remove them to check out',
      'PRODUCT_UNAVAILABLE',
      [
        ...productIds.map((productId) => ({ productId })),
        ...deletedLineIds.map((cartItemId) => ({ cartItemId })),
      ],
    );
  }
}

export class EmptyCartError extends ValidationFailedError {
  static override readonly codes = {
    EMPTY_CART: { status: 400, description: 'The cart is empty' },
  } satisfies ErrorCodes;

  override readonly code = 'EMPTY_CART';
  constructor() {
    super('The cart is empty');
  }
}

export class OrderTooLargeError extends ValidationFailedError {
  static override readonly codes = {
    ORDER_TOO_LARGE: {
      status: 400,
      description: "An order's lines and total may not exceed the maximum amount",
    },
  } satisfies ErrorCodes;

  override readonly code = 'ORDER_TOO_LARGE';
  constructor(max: number) {
    super(
      `An order's lines and total may not exceed ${max} minor units; split the cart into several orders`,
    );
  }
}

export class CartLineLimitError extends ValidationFailedError {
  static override readonly codes = {
    QUANTITY_LIMIT: {
      status: 400,
      description: 'A cart line holds at most 999 units',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  override readonly code = 'QUANTITY_LIMIT';
  constructor(max: number) {
    super(`A cart line holds at most ${max} units`, [
      { field: 'quantity', message: `at most ${max} per line` },
    ]);
  }
}

export class IllegalOrderTransitionError extends ConflictError {
  static override readonly codes = {
    ILLEGAL_ORDER_TRANSITION: {
      status: 409,
      description: 'The order cannot move from its status to the one asked',
      details: TRANSITION,
    },
    ORDER_ALREADY_IN_STATUS: {
      status: 409,
      description: 'The order already has the status asked',
      details: TRANSITION,
    },
  } satisfies ErrorCodes;

  constructor(from: OrderStatus, to: OrderStatus, same: boolean) {
    super(
      same ? `The order is already ${to}` : `An order cannot move from ${from} to ${to}`,
      same ? 'ORDER_ALREADY_IN_STATUS' : 'ILLEGAL_ORDER_TRANSITION',
      { from, to },
    );
  }
}

export class OrderTransitionForbiddenError extends ForbiddenError {
  constructor(from: OrderStatus, to: OrderStatus) {
    super(`Only staff can move an order from ${from} to ${to}`);
  }
}

export class OrderChangedConcurrentlyError extends ConflictError {
  static override readonly codes = {
    ORDER_CHANGED: {
      status: 409,
      description: 'Someone else changed the order meanwhile: reload it and retry',
    },
  } satisfies ErrorCodes;

  constructor() {
    super('The order was changed by someone else meanwhile; reload it and retry', 'ORDER_CHANGED');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  static override readonly codes = {
    IDEMPOTENCY_KEY_REUSED: {
      status: 422,
      description: 'This Idempotency-Key was used with a different request body',
    },
  } satisfies ErrorCodes;

  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = 422;
  constructor() {
    super('This Idempotency-Key was used with a different request body');
  }
}

export class IdempotencyInProgressError extends ConflictError {
  static override readonly codes = {
    IDEMPOTENCY_IN_PROGRESS: {
      status: 409,
      description: 'A request with this Idempotency-Key is still running: retry shortly',
    },
  } satisfies ErrorCodes;

  constructor() {
    super(
      'A request with this Idempotency-Key is still being processed; retry shortly',
      'IDEMPOTENCY_IN_PROGRESS',
    );
  }
}
