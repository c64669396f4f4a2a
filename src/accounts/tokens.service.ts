import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectRepository } from '@nestjs/typeorm';
import { type EntityManager, IsNull, Repository } from 'typeorm';
import type { AuthUser } from '@/common/auth.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { InvalidRefreshTokenError } from './accounts.errors.js';
import { RefreshToken } from './refresh-token.entity.js';

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Seconds until the access token expires. */
  expiresIn: number;
}

/** Claims of an access token. */
export interface AccessTokenClaims {
  sub: string;
  email: string;
  role: AuthUser['role'];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const sha256 = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The outcome of presenting a refresh token; a reuse must be committed before failing. */
type Rotation =
  | { kind: 'rotated'; pair: TokenPair & { userId: string } }
  | { kind: 'invalid' }
  | { kind: 'reused' };

/**
 * Access JWTs and rotating refresh tokens grouped in families: each works once, plus a short
 * grace (`REFRESH_REUSE_GRACE`) for clients that present it twice at the same moment.
 */
@Injectable()
export class TokensService {
  constructor(
    private readonly jwt: JwtService,
    @InjectRepository(RefreshToken) private readonly refreshTokens: Repository<RefreshToken>,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Issues an access token and a refresh token of a new family (a new login). */
  async issue(user: AuthUser, manager?: EntityManager): Promise<TokenPair> {
    return this.issuePair(user, randomUUID(), manager ?? this.refreshTokens.manager);
  }

  /**
   * Spends `presented` and issues the next pair of its family. A token spent within the last
   * `refreshReuseGrace` seconds (two tabs refreshing at once, a retry after a lost answer) gets
   * another pair of the same family. A token spent before that (a replay, or a stolen copy used
   * after its owner) revokes the whole family: both holders must log in again. Revoked tokens
   * (logout, reuse, password or role change) are never honoured, grace or not.
   * `loadUser` reads the current role and email, so a role change applies at the next refresh.
   */
  async rotate(
    presented: string,
    loadUser: (userId: string, manager: EntityManager) => Promise<AuthUser | null>,
  ): Promise<TokenPair & { userId: string }> {
    const parsed = this.parse(presented);
    if (!parsed) throw new InvalidRefreshTokenError();
    const outcome = await this.refreshTokens.manager.transaction(
      async (manager): Promise<Rotation> => {
        // The row lock serializes refreshes with one token: the second sees the first's usedAt.
        const token = await manager.findOne(RefreshToken, {
          where: { id: parsed.id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!token || !this.secretMatches(token, parsed.secret) || token.revokedAt)
          return { kind: 'invalid' };
        if (token.usedAt && !this.withinReuseGrace(token.usedAt)) {
          await this.revokeFamilyWith(manager, token.familyId);
          return { kind: 'reused' };
        }
        if (token.expiresAt.getTime() <= Date.now()) return { kind: 'invalid' };
        const user = await loadUser(token.userId, manager);
        if (!user) return { kind: 'invalid' };
        // A reuse within the grace keeps the first usedAt: the window never slides.
        if (!token.usedAt)
          await manager.update(RefreshToken, { id: token.id }, { usedAt: new Date() });
        const pair = await this.issuePair(user, token.familyId, manager);
        return { kind: 'rotated', pair: { ...pair, userId: user.id } };
      },
    );
    // A reuse has revoked the family: that had to commit, so it fails only now.
    if (outcome.kind !== 'rotated') throw new InvalidRefreshTokenError();
    return outcome.pair;
  }

  /** Revokes the family of `presented` (logout). Unknown or malformed tokens are ignored. */
  async revokeFamily(presented: string): Promise<void> {
    const parsed = this.parse(presented);
    if (!parsed) return;
    const token = await this.refreshTokens.findOne({ where: { id: parsed.id } });
    if (token && this.secretMatches(token, parsed.secret)) {
      await this.revokeFamilyWith(this.refreshTokens.manager, token.familyId);
    }
  }

  /** Revokes every refresh token of a user (password change, role change). */
  async revokeAllOf(
    userId: string,
    manager: EntityManager = this.refreshTokens.manager,
  ): Promise<void> {
    await this.revokeLive(manager, { userId });
  }

  /** Spent so recently that this is more likely a second tab or a retry than a replay. */
  private withinReuseGrace(usedAt: Date): boolean {
    const grace = this.config.refreshReuseGrace * 1000;
    // `grace > 0` first: with 0 (strict), a usedAt a skewed clock put in the future is no excuse.
    return grace > 0 && Date.now() - usedAt.getTime() < grace;
  }

  private async revokeFamilyWith(manager: EntityManager, familyId: string): Promise<void> {
    await this.revokeLive(manager, { familyId });
  }

  /**
   * Revokes the live tokens matching `where`, in two statements. A refresh in flight holds one of
   * them locked: the first statement waits for it to commit, and only a later statement's
   * snapshot (READ COMMITTED takes one per statement) sees the token that refresh issued, which
   * would otherwise outlive the logout, password change or reuse that revoked its family.
   */
  private async revokeLive(
    manager: EntityManager,
    where: { familyId: string } | { userId: string },
  ): Promise<void> {
    for (let pass = 0; pass < 2; pass++)
      await manager.update(
        RefreshToken,
        { ...where, revokedAt: IsNull() },
        { revokedAt: new Date() },
      );
  }

  private async issuePair(
    user: AuthUser,
    familyId: string,
    manager: EntityManager,
  ): Promise<TokenPair> {
    const claims: AccessTokenClaims = { sub: user.id, email: user.email, role: user.role };
    // A unique jti: two pairs issued in the same second (login, then refresh) never share an access token.
    const accessToken = await this.jwt.signAsync(claims, { jwtid: randomUUID() });
    const secret = randomBytes(32).toString('base64url');
    const saved = await manager.save(
      manager.create(RefreshToken, {
        userId: user.id,
        familyId,
        secretHash: sha256(secret),
        expiresAt: new Date(Date.now() + this.config.jwtRefreshTtl * 1000),
        usedAt: null,
        revokedAt: null,
      }),
    );
    return {
      accessToken,
      refreshToken: `${saved.id}.${secret}`,
      expiresIn: this.config.jwtAccessTtl,
    };
  }

  private parse(presented: string): { id: string; secret: string } | undefined {
    const [id, secret, extra] = presented.split('.');
    if (!id || !secret || extra !== undefined || !UUID.test(id) || secret.length > 100)
      return undefined;
    return { id, secret };
  }

  private secretMatches(token: RefreshToken, secret: string): boolean {
    const actual = sha256(secret);
    return actual.length === token.secretHash.length && timingSafeEqual(actual, token.secretHash);
  }
}
