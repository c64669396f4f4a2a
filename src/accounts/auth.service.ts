import { Inject, Injectable, Optional } from '@nestjs/common';
import { InvalidCredentialsError } from './accounts.errors.js';
import type { LoginDto, RegisterDto } from './dto/auth.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { type TokenPair, TokensService } from './tokens.service.js';
import type { User } from './user.entity.js';
import { toAuthUser, UsersService } from './users.service.js';

export interface Session extends TokenPair {
  user: User;
}

/**
 * Hands a guest cart (by its cart token) to a user who just signed in or registered. Accounts
 * knows nothing of carts: the module that owns them provides this function (optional).
 */
export type GuestCartClaim = (userId: string, cartToken: string) => Promise<void>;
export const GUEST_CART_CLAIM = Symbol('GUEST_CART_CLAIM');

/** Registration, login, refresh and logout. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly hasher: PasswordHasher,
    @Optional() @Inject(GUEST_CART_CLAIM) private readonly claimGuestCart?: GuestCartClaim,
  ) {}

  /** With `cartToken` (a guest cart), the guest cart merges into the new user's cart. */
  async register(dto: RegisterDto, cartToken?: string): Promise<Session> {
    const user = await this.users.create(dto);
    if (cartToken) await this.claimGuestCart?.(user.id, cartToken);
    return { user, ...(await this.tokens.issue(toAuthUser(user))) };
  }

  /**
   * One error for an unknown email and a wrong password, in the same time. With `cartToken`
   * (a guest cart), the guest cart merges into the user's cart.
   */
  async login(dto: LoginDto, cartToken?: string): Promise<Session> {
    const user = await this.users.findByEmail(dto.email);
    const ok = user
      ? await this.hasher.verify(dto.password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(dto.password);
    if (!user || !ok) throw new InvalidCredentialsError();
    if (cartToken) await this.claimGuestCart?.(user.id, cartToken);
    return { user, ...(await this.tokens.issue(toAuthUser(user))) };
  }

  async refresh(refreshToken: string): Promise<Session> {
    const { userId, ...pair } = await this.tokens.rotate(refreshToken, (id, manager) =>
      this.users.findAuthUser(id, manager),
    );
    return { user: await this.users.get(userId), ...pair };
  }

  logout(refreshToken: string): Promise<void> {
    return this.tokens.revokeFamily(refreshToken);
  }
}
