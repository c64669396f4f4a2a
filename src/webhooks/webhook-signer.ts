import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** A new signing secret in the Standard Webhooks format: `whsec_` + base64 of 32 random bytes. */
export const newWebhookSecret = (): string => `whsec_${randomBytes(32).toString('base64')}`;

/** The `webhook-id` of a delivery: the same on every attempt, so receivers dedupe on it. */
export const webhookId = (deliveryId: string): string => `msg_${deliveryId}`;

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * Standard Webhooks headers for one attempt: HMAC-SHA256 over `id.timestamp.body` with each
 * secret (`v1,<base64>`, space-separated: the previous secret too while a rotation's grace runs).
 * Signed afresh on every attempt: receivers refuse timestamps older than five minutes.
 */
export function signatureHeaders(
  deliveryId: string,
  body: string,
  secrets: readonly string[],
  at: Date = new Date(),
): SignedHeaders {
  const id = webhookId(deliveryId);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(id, at, body)).join(' '),
  };
}
