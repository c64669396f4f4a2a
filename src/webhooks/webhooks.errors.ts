import { ConflictError, DomainError } from '@/common/domain-error.js';

/** The target is an address webhooks may not reach (SSRF guard): private, loopback, link-local… */
export class WebhookTargetForbiddenError extends DomainError {
  readonly code = 'WEBHOOK_TARGET_FORBIDDEN';
  readonly status = 422;
  constructor(reason: string) {
    super(`Webhooks may not target this address: ${reason}`, [{ field: 'url', message: reason }]);
  }
}

export class WebhookEndpointDisabledError extends ConflictError {
  constructor() {
    super(
      'This webhook endpoint is disabled: enable it (updateWebhookEndpoint {enabled: true}) first',
      'WEBHOOK_ENDPOINT_DISABLED',
    );
  }
}
