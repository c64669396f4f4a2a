import type { EntityManager } from 'typeorm';

/**
 * REQUIRE_EMAIL_VERIFICATION, for use cases outside accounts (checkout): resolves when the user
 * may go on, throws `EmailNotVerifiedError` (403 `EMAIL_NOT_VERIFIED`) otherwise. Free when the
 * setting is off (no query).
 */
export interface EmailVerificationGate {
  assertVerified(userId: string, manager?: EntityManager): Promise<void>;
}

export const EMAIL_VERIFICATION_GATE = Symbol('EMAIL_VERIFICATION_GATE');
