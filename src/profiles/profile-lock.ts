import type { EntityManager } from 'typeorm';
import { UserProfile } from './user-profile.entity.js';

/**
 * Creates the user's profile row if missing and locks it for the rest of the transaction. Every
 * write to a user's profile or address book takes this lock first, so they run one at a time
 * per user: two "set default" calls, or a create racing the address limit, cannot interleave.
 */
export async function lockProfile(manager: EntityManager, userId: string): Promise<UserProfile> {
  await manager.query(
    `INSERT INTO user_profiles (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING`,
    [userId],
  );
  const profile = await manager.findOne(UserProfile, {
    where: { userId },
    lock: { mode: 'pessimistic_write' },
  });
  // The row was just ensured inside this transaction and users are never deleted mid-request.
  if (!profile) throw new Error(`profile of ${userId} vanished`);
  return profile;
}
