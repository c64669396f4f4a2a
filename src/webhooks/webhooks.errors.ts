import {
  ConflictError,
  DomainError,
  type ErrorCodes,
  FIELD_ERRORS,
} from '@/common/domain-error.js';

/** The target is an address webhooks may not reach (SSRF guard): private, loopback, link-local… */
export class WebhookTargetForbiddenError extends DomainError {
  static override readonly codes = {
    WEBHOOK_TARGET_FORBIDDEN: {
      status: 422,
      description:
        'The URL points at an address webhooks may not reach (private, loopback, link-local…)',
      details: FIELD_ERRORS,
    },
  } satisfies ErrorCodes;

  readonly code = 'WEBHOOK_TARGET_FORBIDDEN';
  readonly status = 422;
  constructor(reason: string) {
    super(`Webhooks may not target this address: ${reason}`, [{ field: 'url', message: reason }]);
  }
}

export class WebhookEndpointDisabledError extends ConflictError {
  static override readonly codes = {
    WEBHOOK_ENDPOINT_DISABLED: {
      status: 409,
      description: 'The webhook endpoint is disabled: enable it first',
    },
  } satisfies ErrorCodes;

  constructor() {
    super(
      'This webhook endpoint is disabled: enable it (updateWebhookEndpoint {enabled: true}) first',
      'WEBHOOK_ENDPOINT_DISABLED',
    );
  }
}
