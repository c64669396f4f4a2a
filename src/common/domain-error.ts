/** A field-level problem, as listed in an error response's `details`. */
export interface FieldError {
  field: string;
  message: string;
}

/** A JSON Schema (OpenAPI 3.1) of an error's `details`; `$ref`s point at `components.schemas`. */
export type DetailsSchema = Readonly<Record<string, unknown>>;

/** What the API document says about one error code. */
export interface ErrorCodeSpec {
  /** The HTTP status every error with this code answers. */
  readonly status: number;
  /** When a client sees it, in one sentence (also the example `message`). */
  readonly description: string;
  /** The schema of `details`, when the code carries any (with an `example`). */
  readonly details?: DetailsSchema;
}

/** The codes one error class can carry, by code. */
export type ErrorCodes = Readonly<Record<string, ErrorCodeSpec>>;

/** `details` of validation errors: one entry per offending field. */
export const FIELD_ERRORS: DetailsSchema = {
  type: 'array',
  items: { $ref: '#/components/schemas/FieldError' },
  example: [{ field: 'email', message: 'email must be an email' }],
};

/** A details object of string fields (of one `format`, when given), e.g. `{sku: 'TS-001'}`. */
export function stringDetails(example: Record<string, string>, format?: string): DetailsSchema {
  const names = Object.keys(example);
  const schema = format ? { type: 'string', format } : { type: 'string' };
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, schema])),
    required: names,
    example,
  };
}

/** A details object of integer fields, e.g. `{max: 50}`. */
export function integerDetails(example: Record<string, number>): DetailsSchema {
  const names = Object.keys(example);
  return {
    type: 'object',
    properties: Object.fromEntries(names.map((name) => [name, { type: 'integer' }])),
    required: names,
    example,
  };
}

/**
 * Base of every typed domain error. Services throw these (never `HttpException`), so the same
 * service serves HTTP, the Socket.IO gateway and the CLI; the exception filter maps `status`.
 */
export abstract class DomainError extends Error {
  /**
   * Every code this class itself can carry, with its status and `details` schema: the one source
   * of the codes the API document lists (src/openapi/error-catalog.ts gathers every class, and
   * a test checks each code thrown is declared). Each class declares its own.
   */
  static readonly codes: ErrorCodes = {};

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
  static override readonly codes = {
    NOT_FOUND: {
      status: 404,
      description: 'The resource does not exist, or is not visible to you',
    },
  } satisfies ErrorCodes;
  readonly code = 'NOT_FOUND';
  readonly status = 404;
  constructor(what: string) {
    super(`${what} not found`);
  }
}

const VALIDATION_CODES = {
  VALIDATION_FAILED: {
    status: 400,
    description: 'A field of the path, query or body is invalid: one entry per field in `details`',
    details: FIELD_ERRORS,
  },
} satisfies ErrorCodes;

export class ValidationFailedError extends DomainError {
  // Typed wide: subclasses (WEAK_PASSWORD, EMPTY_CART…) declare codes of their own.
  static override readonly codes: ErrorCodes = VALIDATION_CODES;
  readonly code: string = 'VALIDATION_FAILED';
  readonly status = 400;
  constructor(message: string, details?: FieldError[]) {
    super(message, details);
  }
}

/** Base of the 409s: each subclass declares its own code. */
export abstract class ConflictError extends DomainError {
  readonly code: string;
  readonly status = 409;
  constructor(message: string, code: string, details?: unknown) {
    super(message, details);
    this.code = code;
  }
}

const UNAUTHORIZED_CODES = {
  UNAUTHORIZED: {
    status: 401,
    description: 'The access token is missing or invalid',
  },
  TOKEN_EXPIRED: {
    status: 401,
    description: 'The access token has expired: refresh it (refreshToken) and retry',
  },
} satisfies ErrorCodes;

export class UnauthorizedError extends DomainError {
  static override readonly codes: ErrorCodes = UNAUTHORIZED_CODES;
  readonly code: string;
  readonly status = 401;
  constructor(message = 'Authentication required', code: string = 'UNAUTHORIZED') {
    super(message);
    this.code = code;
  }
}

const FORBIDDEN_CODES = {
  FORBIDDEN: { status: 403, description: 'Your role does not allow this' },
} satisfies ErrorCodes;

export class ForbiddenError extends DomainError {
  static override readonly codes: ErrorCodes = FORBIDDEN_CODES;
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
  static override readonly codes = {
    RATE_LIMITED: {
      status: 429,
      description:
        'Too many requests: retry after `details.retryAfterSeconds` (also the `Retry-After` header)',
      details: integerDetails({ retryAfterSeconds: 12 }),
    },
  } satisfies ErrorCodes;
  readonly code = 'RATE_LIMITED';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('Too many requests, slow down and retry later', { retryAfterSeconds });
  }
}

/** The codes of the base classes above that subclasses extend with codes of their own. */
export type BaseErrorCode =
  keyof typeof VALIDATION_CODES | keyof typeof UNAUTHORIZED_CODES | keyof typeof FORBIDDEN_CODES;
