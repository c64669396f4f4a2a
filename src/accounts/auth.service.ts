import { Injectable } from '@nestjs/common';
import { InvalidCredentialsError } from './accounts.errors.js';
import type { LoginDto, RegisterDto } from './dto/auth.dto.js';
import { PasswordHasher } from './password-hasher.js';
import { type TokenPair, TokensService } from './tokens.service.js';
import type { User } from './user.entity.js';
import { toAuthUser, UsersService } from './users.service.js';

export interface Session extends TokenPair {
  user: User;
}

/** Registration, login, refresh and logout. */
@Injectable()
export class AuthService {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
    private readonly hasher: PasswordHasher,
  ) {}

  async register(dto: RegisterDto): Promise<Session> {
    const user = await this.users.create(dto);
    return { user, ...(await this.tokens.issue(toAuthUser(user))) };
  }

  /** One error for an unknown email and a wrong password, in the same time. */
  async login(dto: LoginDto): Promise<Session> {
    const user = await this.users.findByEmail(dto.email);
    const ok = user
      ? await this.hasher.verify(dto.password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(dto.password);
    if (!user || !ok) throw new InvalidCredentialsError();
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
