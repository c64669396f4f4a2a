import { DomainError, type ErrorCodes } from '@/common/domain-error.js';
import { HTTP_ERROR_CODES } from '@/common/http-error-codes.js';

/** The job engine is not installed yet (MIGRATE_ON_START=false before `cli/migrate.js` ran). */
export class JobEngineUnavailableError extends DomainError {
  static override readonly codes = {
    SERVICE_UNAVAILABLE: HTTP_ERROR_CODES.SERVICE_UNAVAILABLE,
  } satisfies ErrorCodes;

  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
  constructor() {
    super('The service is temporarily unavailable, retry shortly');
  }
}
