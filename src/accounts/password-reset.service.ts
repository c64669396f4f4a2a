import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { InvalidResetTokenError, WeakPasswordError } from './accounts.errors.js';
import { AccountEvents } from './account-events.js';
import { hashToken, isWellFormedToken, newOneTimeToken } from './one-time-token.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordWeakness } from './password-policy.js';
import { PasswordResetToken } from './password-reset-token.entity.js';
import { TokensService } from './tokens.service.js';
import { User } from './user.entity.js';

/** A reset link to email: the account it resets and the token (never stored). */
export interface IssuedToken {
  user: User;
  token: string;
  expiresAt: Date;
}

/**
 * Password reset by emailed link. Asking is the same work whether or not an account has the
 * address (one outbox event; the account is looked up when the email is sent), so neither the
 * answer nor its timing tells who has an account. The token is minted only when the email is
 * sent, so none is ever at rest in the outbox or the job queue; only its SHA-256 is stored.
 */
@Injectable()
export class PasswordResetService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly events: AccountEvents,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Records the request; the email goes out (to an existing account only) from the outbox. */
  async request(email: string): Promise<void> {
    await this.db.transaction((manager) => this.events.passwordResetRequested(manager, email));
  }

  /**
   * For the reset email, as it is sent: a new token for the account with this address (case
   * insensitive), valid for PASSWORD_RESET_TTL from now, or null when there is no such account.
   * A retried email mints another token; the unsent one expires unused.
   */
  async issueToken(email: string): Promise<IssuedToken | null> {
    const user = await this.db.manager
      .createQueryBuilder(User, 'u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
    if (!user) return null;
    const token = newOneTimeToken();
    const expiresAt = new Date(Date.now() + this.config.accountRecovery.passwordResetTtl * 1000);
    await this.db.manager.insert(PasswordResetToken, {
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt,
    });
    return { user, token, expiresAt };
  }

  /**
   * Sets a new password with a reset token: one answer for unknown, used and expired tokens. The
   * token is spent with the change (a weak password leaves it usable), the user's other reset
   * links die with it, every session is revoked, and a "password changed" email is recorded.
   * Opening the emailed link also proves the address: it counts as verified.
   */
  async confirm(token: string, newPassword: string): Promise<void> {
    if (!isWellFormedToken(token)) throw new InvalidResetTokenError();
    const tokenHash = hashToken(token);
    const owner = await this.db.manager
      .createQueryBuilder(User, 'u')
      .innerJoin(PasswordResetToken, 't', 't.userId = u.id')
      .where('t.tokenHash = :tokenHash', { tokenHash })
      .andWhere('t.usedAt IS NULL AND t.expiresAt > now()')
      .getOne();
    if (!owner) throw new InvalidResetTokenError();
    const weakness = passwordWeakness(newPassword, owner.email);
    if (weakness) throw new WeakPasswordError(weakness, 'newPassword');
    // Hashed before the transaction: no row stays locked for the slow hash.
    const passwordHash = await this.hasher.hash(newPassword);
    await this.db.transaction(async (manager) => {
      // Spent here, under its row lock: of two requests with one token, only one gets a row.
      const spent = await manager
        .createQueryBuilder()
        .update(PasswordResetToken)
        .set({ usedAt: () => 'now()' })
        .where('token_hash = :tokenHash AND used_at IS NULL AND expires_at > now()', { tokenHash })
        .returning('user_id')
        .execute();
      const userId = (spent.raw as Array<{ user_id: string }>)[0]?.user_id;
      if (userId !== owner.id) throw new InvalidResetTokenError();
      await manager
        .createQueryBuilder()
        .update(User)
        .set({ passwordHash, emailVerifiedAt: () => 'coalesce(email_verified_at, now())' })
        .where('id = :userId', { userId })
        .execute();
      await manager.update(
        PasswordResetToken,
        { userId, usedAt: IsNull() },
        { usedAt: new Date() },
      );
      await this.tokens.revokeAllOf(userId, manager);
      await this.events.passwordChanged(manager, userId);
    });
  }
}
