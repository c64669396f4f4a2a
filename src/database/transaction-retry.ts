import { PgError, isPgError } from './pg-errors.js';
import { isStalePreparedStatement } from './prepared-statements.js';

/**
 * Thrown inside a transaction run by `withTransactionRetry` when something it read at the start
 * changed before it could commit (e.g. a coupon's terms, found again under its lock): the whole
 * transaction is rolled back and run again, as for a serialization failure.
 */
export class RetryTransaction extends Error {}

/**
 * Runs `work` (a whole transaction) again when PostgreSQL aborted it for a serialization
 * failure, a deadlock or a prepared statement gone stale (prepared-statements.ts), or it threw
 * `RetryTransaction`, with a short jittered backoff; other errors pass through.
 */
export async function withTransactionRetry<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const retryable =
        error instanceof RetryTransaction ||
        isPgError(error, PgError.SERIALIZATION_FAILURE) ||
        isPgError(error, PgError.DEADLOCK_DETECTED) ||
        isStalePreparedStatement(error);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
