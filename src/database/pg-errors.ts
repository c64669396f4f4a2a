/**
 * The PostgreSQL error codes (SQLSTATE) the application reacts to, by name, and one way to ask
 * whether an error carries one. Nothing else in the code base spells a SQLSTATE literal.
 */
export const PgError = {
  /** 08001: the client could not establish a connection. */
  SQLCLIENT_UNABLE_TO_ESTABLISH_SQLCONNECTION: '08001',
  /** 08003: the connection is gone. */
  CONNECTION_DOES_NOT_EXIST: '08003',
  /** 08006: the connection failed mid-use. */
  CONNECTION_FAILURE: '08006',
  /** 0A000: not supported; among others, a prepared statement whose result type changed. */
  FEATURE_NOT_SUPPORTED: '0A000',
  /** 22003: a value does not fit its column (an integer sum past 2^31 − 1, say). */
  NUMERIC_VALUE_OUT_OF_RANGE: '22003',
  /** 23503: a row still refers to the one being deleted (or to a missing one). */
  FOREIGN_KEY_VIOLATION: '23503',
  /** 23505: a unique index already holds the value. */
  UNIQUE_VIOLATION: '23505',
  /** 23514: a CHECK constraint refused the row (stock below zero, say). */
  CHECK_VIOLATION: '23514',
  /** 26000: no prepared statement of that name on this connection. */
  INVALID_SQL_STATEMENT_NAME: '26000',
  /** 40001: a serializable transaction lost a race; retry it. */
  SERIALIZATION_FAILURE: '40001',
  /** 40P01: two transactions waited for each other; one was chosen to fail; retry it. */
  DEADLOCK_DETECTED: '40P01',
  /** 55P03: `lock_timeout` expired (or NOWAIT found the row locked). */
  LOCK_NOT_AVAILABLE: '55P03',
  /** 57014: `statement_timeout` cancelled the statement. */
  QUERY_CANCELED: '57014',
  /** 57P01: the server is shutting down (an administrator's command, a restart). */
  ADMIN_SHUTDOWN: '57P01',
  /** 57P02: the server crashed and is resetting its connections. */
  CRASH_SHUTDOWN: '57P02',
  /** 57P03: the server is starting up (or in recovery) and refuses connections for now. */
  CANNOT_CONNECT_NOW: '57P03',
} as const;

export type PgErrorCode = (typeof PgError)[keyof typeof PgError];

/** Whether `error` is a PostgreSQL error with `code` (and, when given, on `constraint`). */
export function isPgError(error: unknown, code: PgErrorCode, constraint?: string): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const pg = error as { code?: unknown; constraint?: unknown };
  return pg.code === code && (constraint === undefined || pg.constraint === constraint);
}
