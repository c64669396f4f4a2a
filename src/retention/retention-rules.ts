import type { RetentionConfig } from '@/config/app-config.js';
import { GUEST_CART_TTL_DAYS } from '@/orders/cart.service.js';
import { IDEMPOTENCY_TTL_HOURS } from '@/orders/checkout.service.js';

/**
 * How long a checkout's `Idempotency-Key` replays its first answer: a key younger than this is
 * never purged, whatever RETENTION_IDEMPOTENCY_KEYS says, or a retry could place a second order.
 */
export const IDEMPOTENCY_REPLAY_SECONDS = IDEMPOTENCY_TTL_HOURS * 3600;

/** A guest cart's token stops working this long after its last use (cart.service.ts). */
export const GUEST_CART_LIFE_SECONDS = GUEST_CART_TTL_DAYS * 86_400;

/** Each run deletes what lies strictly before these instants. */
export interface RetentionCutoffs {
  /** Refresh tokens that ended (expired, or were revoked, whichever came first) before this. */
  readonly refreshTokens: Date;
  /** Idempotency keys made before this. */
  readonly idempotencyKeys: Date;
  /** Read notifications created before this. */
  readonly readNotifications: Date;
  /** Unread notifications created before this (twice the age of read ones). */
  readonly unreadNotifications: Date;
  /** Guest carts whose `expires_at` is before this. */
  readonly guestCartsExpiring: Date;
  /** Unreferenced media files last written before this. */
  readonly orphanUploads: Date;
  /** Outbox events dispatched before this (and with no webhook delivery left). */
  readonly outboxEvents: Date;
  /** Finished webhook deliveries whose last attempt (or creation) was before this. */
  readonly webhookDeliveries: Date;
  /** Password-reset and email-verification tokens that expired before this. */
  readonly accountTokens: Date;
}

const before = (now: Date, seconds: number): Date => new Date(now.getTime() - seconds * 1000);

/**
 * The cutoffs of a run at `now`.
 *
 * Notifications age from their creation (the date the user sees on them); being read only
 * decides which age applies. Ageing read ones from `read_at` instead would let a notification
 * read late outlive every unread one.
 *
 * A guest cart's `expires_at` is its last use plus {@link GUEST_CART_LIFE_SECONDS} (each use
 * slides it), so "untouched for `guestCarts`" is `expires_at < now + life - guestCarts`; a cart
 * already expired is gone for its holder either way (the cart service treats its token as
 * unknown), so an age beyond the cart's life purges at expiry. Reading `expires_at` rather than
 * `updated_at` lets the purge walk the existing `carts_guest_expires_idx`.
 *
 * Outbox events, webhook deliveries and account tokens age from the moment they stopped being
 * useful: dispatch, the last delivery attempt, expiry. Which of them are never purged (an
 * undispatched event, a delivery still pending or retrying) is decided by the purge itself.
 */
export function retentionCutoffs(config: RetentionConfig, now: Date): RetentionCutoffs {
  return {
    refreshTokens: before(now, config.refreshTokens),
    idempotencyKeys: before(now, Math.max(config.idempotencyKeys, IDEMPOTENCY_REPLAY_SECONDS)),
    readNotifications: before(now, config.notifications),
    unreadNotifications: before(now, 2 * config.notifications),
    guestCartsExpiring: before(now, -Math.max(0, GUEST_CART_LIFE_SECONDS - config.guestCarts)),
    orphanUploads: before(now, config.orphanUploads),
    outboxEvents: before(now, config.outboxEvents),
    webhookDeliveries: before(now, config.webhookDeliveries),
    accountTokens: before(now, config.accountTokens),
  };
}
