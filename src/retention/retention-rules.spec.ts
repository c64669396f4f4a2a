import { describe, expect, it } from '@jest/globals';
import type { RetentionConfig } from '@/config/app-config.js';
import { retentionCutoffs } from './retention-rules.js';

const DAY = 86_400;
const NOW = new Date('2026-03-01T12:00:00Z');
const config: RetentionConfig = {
  intervalSeconds: 3600,
  refreshTokens: 7 * DAY,
  idempotencyKeys: 2 * DAY,
  notifications: 90 * DAY,
  guestCarts: 30 * DAY,
  orphanUploads: DAY,
  outboxEvents: 7 * DAY,
  webhookDeliveries: 30 * DAY,
  accountTokens: DAY,
};
const daysBefore = (days: number): Date => new Date(NOW.getTime() - days * DAY * 1000);

describe('retentionCutoffs', () => {
  it('applies each configured age to now', () => {
    const cutoffs = retentionCutoffs(config, NOW);
    expect(cutoffs.refreshTokens).toEqual(daysBefore(7));
    expect(cutoffs.idempotencyKeys).toEqual(daysBefore(2));
    expect(cutoffs.orphanUploads).toEqual(daysBefore(1));
    expect(cutoffs.outboxEvents).toEqual(daysBefore(7));
    expect(cutoffs.webhookDeliveries).toEqual(daysBefore(30));
    expect(cutoffs.accountTokens).toEqual(daysBefore(1));
  });

  it('keeps unread notifications twice as long as read ones', () => {
    const cutoffs = retentionCutoffs(config, NOW);
    expect(cutoffs.readNotifications).toEqual(daysBefore(90));
    expect(cutoffs.unreadNotifications).toEqual(daysBefore(180));
  });

  it('never purges an idempotency key that can still replay (younger than 24 hours)', () => {
    const cutoffs = retentionCutoffs({ ...config, idempotencyKeys: 3600 }, NOW);
    expect(cutoffs.idempotencyKeys).toEqual(daysBefore(1));
  });

  it('turns "untouched for the age" into an expiry bound of guest carts (30-day life)', () => {
    // Default: untouched for 30 days is exactly expired.
    expect(retentionCutoffs(config, NOW).guestCartsExpiring).toEqual(NOW);
    // 7 days: carts that still had more than 23 days to live were last used over 7 days ago.
    const week = retentionCutoffs({ ...config, guestCarts: 7 * DAY }, NOW);
    expect(week.guestCartsExpiring).toEqual(daysBefore(-23));
    // Longer than the cart's life: an expired cart is already gone for its holder.
    const long = retentionCutoffs({ ...config, guestCarts: 60 * DAY }, NOW);
    expect(long.guestCartsExpiring).toEqual(NOW);
  });
});
