/**
 * The catalog of outbox events: each type's current payload version, and whether webhook
 * endpoints may subscribe to it (account events carry personal data and tokens' triggers: they
 * are internal, for email only). A breaking payload change bumps the version; new fields do not.
 */
export const OUTBOX_EVENT_TYPES = {
  'order.created': { version: 1, webhook: true },
  'order.status_changed': { version: 1, webhook: true },
  'order.paid': { version: 1, webhook: true },
  'order.refunded': { version: 1, webhook: true },
  'account.registered': { version: 1, webhook: false },
  'account.email_verification_requested': { version: 1, webhook: false },
  'account.password_reset_requested': { version: 1, webhook: false },
  'account.password_changed': { version: 1, webhook: false },
} as const satisfies Record<string, { version: number; webhook: boolean }>;

export type OutboxEventType = keyof typeof OUTBOX_EVENT_TYPES;

/** The types a webhook endpoint may subscribe to, in catalog order. */
export const WEBHOOK_EVENT_TYPES = (Object.keys(OUTBOX_EVENT_TYPES) as OutboxEventType[]).filter(
  (type): type is WebhookEventType => OUTBOX_EVENT_TYPES[type].webhook,
);
export type WebhookEventType = {
  [K in OutboxEventType]: (typeof OUTBOX_EVENT_TYPES)[K]['webhook'] extends true ? K : never;
}[OutboxEventType];
