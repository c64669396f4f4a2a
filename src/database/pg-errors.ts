/**
 * The PostgreSQL error codes (SQLSTATE) the application reacts to, by name, and one way to ask
 * whether an error carries one. Nothing else in the code base spells a SQLSTATE literal.
 */
export const PgError = {
  /** 22003: a value does not fit its column (an integer sum past 2^31 − 1, say). */
  NUMERIC_VALUE_OUT_OF_RANGE: '22003',
  /** 23503: a row still refers to the one being deleted (or to a missing one). */
  FOREIGN_KEY_VIOLATION: '23503',
  /** 23505: a unique index already holds the value. */
  UNIQUE_VIOLATION: '23505',
  /** 23514: a CHECK constraint refused the row (stock below zero, say). */
  CHECK_VIOLATION: '23514',
  /** 40001: a serializable transaction lost a race; retry it. */
  SERIALIZATION_FAILURE: '40001',
  /** 40P01: two transactions waited for each other; one was chosen to fail; retry it. */
  DEADLOCK_DETECTED: '40P01',
  /** 55P03: `lock_timeout` expired (or NOWAIT found the row locked). */
  LOCK_NOT_AVAILABLE: '55P03',
  /** 57014: `statement_timeout` cancelled the statement. */
  QUERY_CANCELED: '57014',
} as const;

export type PgErrorCode = (typeof PgError)[keyof typeof PgError];

/** Whether `error` is a PostgreSQL error with `code` (and, when given, on `constraint`). */
export function isPgError(error: unknown, code: PgErrorCode, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const pg = error as { code?: unknown; constraint?: unknown };
  return pg.code === code && (constraint === undefined || pg.constraint === constraint);
}
