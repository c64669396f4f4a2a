/** A field-level problem, as listed in an error response's `details`. */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every typed domain error. Services throw these (never `HttpException`), so the same
 * service serves HTTP, the Socket.IO gateway and the CLI; the exception filter maps `status`.
 */
export abstract class DomainError extends Error {
  /** Stable, machine-readable code, e.g. `INSUFFICIENT_STOCK`. */
  abstract readonly code: string;
  /** HTTP status this error maps to. */
  abstract readonly status: number;

  constructor(
    message: string,
    /** Structured data the client needs to react (returned as `details`). */
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends DomainError {
  readonly code = 'NOT_FOUND';
  readonly status = 404;
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class ValidationFailedError extends DomainError {
  readonly code: string = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor(message: string, details?: FieldError[]) {
    super(message, details);
  }
}

export class ConflictError extends DomainError {
  readonly code: string;
  readonly status = 409;
  constructor(message: string, code = 'CONFLICT', details?: unknown) {
    super(message, details);
    this.code = code;
  }
}

export class UnauthorizedError extends DomainError {
  readonly code: string;
  readonly status = 401;
  constructor(message = 'Authentication required', code = 'UNAUTHORIZED') {
    super(message);
    this.code = code;
  }
}

export class ForbiddenError extends DomainError {
  readonly code = 'FORBIDDEN';
  readonly status = 403;
  constructor(message = 'You are not allowed to do this') {
    super(message);
  }
}

/** Throws {@link NotFoundError} when `value` is null or undefined: the one "not found" helper. */
export function found<T>(value: T | null | undefined, what: string): T {
  if (value === null || value === undefined) throw new NotFoundError(what);
  return value;
}

export class RateLimitedError extends DomainError {
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests, slow down and retry later');
  }
}
