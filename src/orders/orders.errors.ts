import {
  ConflictError,
  DomainError,
  ForbiddenError,
  ValidationFailedError,
} from '@/common/domain-error.js';
import type { OrderStatus } from './order-state-machine.js';

export class InsufficientStockError extends ConflictError {
  constructor(details: unknown, message = 'Not enough stock') {
    super(message, 'INSUFFICIENT_STOCK', details);
  }
}

/** Details: `{productId}` of each inactive product, `{cartItemId}` of each deleted one's line. */
export class ProductUnavailableError extends ConflictError {
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
  override readonly code = 'EMPTY_CART';
  constructor() {
    super('The cart is empty');
  }
}

export class OrderTooLargeError extends ValidationFailedError {
  override readonly code = 'ORDER_TOO_LARGE';
  constructor(max: number) {
    super(
      `An order's lines and total may not exceed ${max} minor units; split the cart into several orders`,
    );
  }
}

export class CartLineLimitError extends ValidationFailedError {
  override readonly code = 'QUANTITY_LIMIT';
  constructor(max: number) {
    super(`A cart line holds at most ${max} units`, [
      { field: 'quantity', message: `at most ${max} per line` },
    ]);
  }
}

export class IllegalOrderTransitionError extends ConflictError {
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
  constructor() {
    super('The order was changed by someone else meanwhile; reload it and retry', 'ORDER_CHANGED');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
  readonly status = 422;
  constructor() {
    super('This Idempotency-Key was used with a different request body');
  }
}

export class IdempotencyInProgressError extends ConflictError {
  constructor() {
    super(
      'A request with this Idempotency-Key is still being processed; retry shortly',
      'IDEMPOTENCY_IN_PROGRESS',
    );
  }
}
