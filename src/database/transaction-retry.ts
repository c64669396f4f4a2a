import { PgError, isPgError } from './pg-errors.js';

/**
 * Runs `work` (a whole transaction) again when PostgreSQL aborted it for a serialization
 * failure or a deadlock, with a short jittered backoff; other errors pass through.
 */
export async function withTransactionRetry<T>(work: () => Promise<T>, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const retryable =
        isPgError(error, PgError.SERIALIZATION_FAILURE) ||
        isPgError(error, PgError.DEADLOCK_DETECTED);
      if (!retryable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 5 * 2 ** attempt + Math.random() * 10));
    }
  }
}
