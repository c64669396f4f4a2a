import { DomainError } from '@/common/domain-error.js';

/** The job engine is not installed yet (MIGRATE_ON_START=false before `cli/migrate.js` ran). */
export class JobEngineUnavailableError extends DomainError {
  readonly code = 'SERVICE_UNAVAILABLE';
  readonly status = 503;
  constructor() {
    super('The service is temporarily unavailable, retry shortly');
  }
}
