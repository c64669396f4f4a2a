import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { found } from '@/common/domain-error.js';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import {
  EmailAlreadyVerifiedError,
  EmailNotVerifiedError,
  InvalidVerificationTokenError,
} from './accounts.errors.js';
import { AccountEvents } from './account-events.js';
import type { EmailVerificationGate } from './email-verification.gate.js';
import { EmailVerificationToken } from './email-verification-token.entity.js';
import { EmailVerified } from './events/email-verified.event.js';
import { hashToken, isWellFormedToken, newOneTimeToken } from './one-time-token.js';
import type { IssuedToken } from './password-reset.service.js';
import { User } from './user.entity.js';

/**
 * Email verification by emailed link. Registration records the request in its transaction;
 * the token is minted when the email is sent (never at rest in the outbox or job queue; only
 * its SHA-256 is stored) and verifies the address it was sent to, only while it is the account's.
 */
@Injectable()
export class EmailVerificationService implements EmailVerificationGate {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly events: AccountEvents,
    @InjectConfig() private readonly config: AppConfig,
    private readonly domainEvents: DomainEventBus,
  ) {}

  /** Records a verification email for `user` in the caller's transaction. */
  requestFor(user: Pick<User, 'id' | 'email'>, manager: EntityManager): Promise<void> {
    return this.events.emailVerificationRequested(manager, user);
  }

  /** Another verification email; 409 when the address is verified already. */
  async resend(userId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const user = found(await manager.findOne(User, { where: { id: userId } }), 'User');
      if (user.emailVerifiedAt) throw new EmailAlreadyVerifiedError();
      await this.requestFor(user, manager);
    });
  }

  /**
   * For the verification email, as it is sent: a new token for `email`, valid for
   * EMAIL_VERIFICATION_TTL, or null when there is nothing to verify any more (the account is
   * gone, verified, or has another address now).
   */
  async issueToken(userId: string, email: string): Promise<IssuedToken | null> {
    const user = await this.db.manager.findOne(User, { where: { id: userId } });
    if (!user || user.emailVerifiedAt || user.email.toLowerCase() !== email.toLowerCase())
      return null;
    const token = newOneTimeToken();
    const ttl = this.config.accountRecovery.emailVerificationTtl;
    const expiresAt = new Date(Date.now() + ttl * 1000);
    await this.db.manager.insert(EmailVerificationToken, {
      userId,
      email: user.email,
      tokenHash: hashToken(token),
      expiresAt,
    });
    return { user, token, expiresAt };
  }

  /**
   * Marks the address verified. One answer for unknown, used and expired tokens, and for a token
   * sent to an address the account no longer has.
   */
  async verify(token: string): Promise<void> {
    if (!isWellFormedToken(token)) throw new InvalidVerificationTokenError();
    await this.db.transaction(async (manager) => {
      const spent = await manager
        .createQueryBuilder()
        .update(EmailVerificationToken)
        .set({ usedAt: () => 'now()' })
        .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > now()', {
          tokenHash: hashToken(token),
        })
        // Only while the account still has the address the token was sent to.
        .andWhere(
          `EXISTS (SELECT 1 FROM users u WHERE u.id = email_verification_tokens.user_id
             AND lower(u.email) = lower(email_verification_tokens.email))`,
        )
        .returning('user_id, email')
        .execute();
      const [row] = spent.raw as Array<{ user_id: string; email: string }>;
      if (!row) throw new InvalidVerificationTokenError();
      const userId = row.user_id;
      // Only now is the address proved: guest orders placed with it may join the account
      // (orders' handler, in this transaction). Registering with an address proves nothing.
      this.domainEvents.record(new EmailVerified(userId, row.email), manager);
      await manager
        .createQueryBuilder()
        .update(User)
        .set({ emailVerifiedAt: () => 'coalesce(email_verified_at, now())' })
        .where('id = :userId', { userId })
        .execute();
    });
  }

  /** REQUIRE_EMAIL_VERIFICATION: throws 403 EMAIL_NOT_VERIFIED for an unverified user (else free). */
  async assertVerified(userId: string, manager: EntityManager = this.db.manager): Promise<void> {
    if (!this.config.accountRecovery.requireEmailVerification) return;
    const user = await manager.findOne(User, {
      where: { id: userId },
      select: { id: true, emailVerifiedAt: true },
    });
    if (!user?.emailVerifiedAt) throw new EmailNotVerifiedError();
  }
}
