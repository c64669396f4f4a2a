import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { isEmail } from 'class-validator';
import { type EntityManager, Repository } from 'typeorm';
import type { Address } from '@/common/address.js';
import type { AuthUser } from '@/common/auth.js';
import { found, ValidationFailedError } from '@/common/domain-error.js';
import { type Page, pageOf, resolvePage } from '@/common/pagination.js';
import {
  EmailTakenError,
  LastAdminError,
  WeakPasswordError,
  WrongCurrentPasswordError,
} from './accounts.errors.js';
import type { ListUsersQueryDto, UpdateMeDto } from './dto/me.dto.js';
import { AccountEvents } from './account-events.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordWeakness } from './password-policy.js';
import { TokensService } from './tokens.service.js';
import { type Role, User } from './user.entity.js';

const UNIQUE_VIOLATION = '23505';

/** What making sure of an admin did; the password of an existing account never changes. */
export type AdminOutcome = 'created' | 'promoted' | 'unchanged';

export const toAuthUser = (user: User): AuthUser => ({
  id: user.id,
  email: user.email,
  role: user.role,
});

/** Users: creation, profiles, passwords and roles. */
@Injectable()
export class UsersService {
  private readonly logger = new Logger(UsersService.name);

  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly verification: EmailVerificationService,
    private readonly events: AccountEvents,
  ) {}

  /**
   * A new account, with a verification email recorded in the same transaction, unless
   * `emailVerified` (an address the operator configured, such as ADMIN_EMAIL).
   */
  async create(input: {
    email: string;
    password: string;
    name: string;
    role?: Role;
    emailVerified?: boolean;
  }): Promise<User> {
    const weakness = passwordWeakness(input.password, input.email);
    if (weakness) throw new WeakPasswordError(weakness);
    const passwordHash = await this.hasher.hash(input.password);
    try {
      return await this.users.manager.transaction(async (manager) => {
        const user = await manager.save(
          manager.create(User, {
            email: input.email,
            name: input.name,
            passwordHash,
            role: input.role ?? 'customer',
            phone: null,
            defaultShippingAddress: null,
            emailVerifiedAt: input.emailVerified ? new Date() : null,
          }),
        );
        if (!input.emailVerified) await this.verification.requestFor(user, manager);
        return user;
      });
    } catch (error) {
      if ((error as { code?: string }).code === UNIQUE_VIOLATION) throw new EmailTakenError();
      throw error;
    }
  }

  findByEmail(email: string): Promise<User | null> {
    return this.users
      .createQueryBuilder('u')
      .where('lower(u.email) = lower(:email)', { email })
      .getOne();
  }

  async findAuthUser(
    id: string,
    manager: EntityManager = this.users.manager,
  ): Promise<AuthUser | null> {
    const user = await manager.findOne(User, { where: { id } });
    return user ? toAuthUser(user) : null;
  }

  /**
   * The shipping address saved with `updateMe`, or null: checkout's fallback when the address
   * book (profiles) has no default shipping address.
   */
  async savedShippingAddress(
    id: string,
    manager: EntityManager = this.users.manager,
  ): Promise<Address | null> {
    const user = await manager.findOne(User, {
      where: { id },
      select: { id: true, defaultShippingAddress: true },
    });
    return user?.defaultShippingAddress ?? null;
  }

  async get(id: string): Promise<User> {
    return found(await this.users.findOne({ where: { id } }), 'User');
  }

  async updateProfile(actor: AuthUser, dto: UpdateMeDto): Promise<User> {
    const user = await this.get(actor.id);
    if (dto.name !== undefined) user.name = dto.name;
    if (dto.phone !== undefined) user.phone = dto.phone;
    if (dto.defaultShippingAddress !== undefined) {
      user.defaultShippingAddress = dto.defaultShippingAddress
        ? { ...dto.defaultShippingAddress }
        : null;
    }
    return this.users.save(user);
  }

  /**
   * Changes the password and signs the user out everywhere (every refresh token revoked); a
   * "password changed" email is recorded with the change.
   */
  async changePassword(
    actor: AuthUser,
    currentPassword: string,
    newPassword: string,
  ): Promise<void> {
    const user = await this.get(actor.id);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash)))
      throw new WrongCurrentPasswordError();
    const weakness = passwordWeakness(newPassword, user.email);
    if (weakness) throw new WeakPasswordError(weakness, 'newPassword');
    const passwordHash = await this.hasher.hash(newPassword);
    await this.users.manager.transaction(async (manager) => {
      await manager.update(User, { id: user.id }, { passwordHash });
      await this.tokens.revokeAllOf(user.id, manager);
      await this.events.passwordChanged(manager, user.id);
    });
  }

  async list(query: ListUsersQueryDto): Promise<Page<User>> {
    const { page, pageSize, offset } = resolvePage(query);
    const qb = this.users
      .createQueryBuilder('u')
      .orderBy('u.createdAt', 'DESC')
      .addOrderBy('u.id', 'ASC');
    if (query.q) {
      const pattern = `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      qb.where('(u.email ILIKE :pattern OR u.name ILIKE :pattern)', { pattern });
    }
    const [items, total] = await qb.skip(offset).take(pageSize).getManyAndCount();
    return pageOf(items, total, page, pageSize);
  }

  /** Sets a user's role; their refresh tokens are revoked so the new role applies at once on next login. */
  async updateRole(id: string, role: Role): Promise<User> {
    const user = await this.get(id);
    if (user.role === role) return user;
    await this.users.manager.transaction(async (manager) => {
      if (user.role === 'admin') {
        // Serialize demotions so two admins demoting each other cannot leave none.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtext('users:admins'))`);
        const admins = await manager.count(User, { where: { role: 'admin' } });
        if (admins <= 1) throw new LastAdminError();
      }
      await manager.update(User, { id }, { role });
      await this.tokens.revokeAllOf(id, manager);
    });
    return this.get(id);
  }

  /**
   * Makes sure an admin with this email exists (idempotent, race-free when instances start at
   * once): creates one with `password`, or handles the existing account as `existing` says.
   * `promote-if-password-matches` (`ADMIN_EMAIL` at start-up) promotes it only when `password`
   * is its password: with open registration, anyone may have registered the address first.
   * `promote` (an operator's explicit command) promotes it whatever its password. An existing
   * account's password is never changed.
   */
  async ensureAdmin(email: string, password: string, existing: 'promote'): Promise<AdminOutcome>;
  async ensureAdmin(
    email: string,
    password: string,
    existing: 'promote-if-password-matches',
  ): Promise<AdminOutcome | 'password-mismatch'>;
  async ensureAdmin(
    email: string,
    password: string,
    existing: 'promote' | 'promote-if-password-matches',
  ): Promise<AdminOutcome | 'password-mismatch'> {
    // As registration checks it: an admin must be able to receive mail at this address.
    if (!isEmail(email)) throw new ValidationFailedError(`${email} is not an email address`);
    let account = await this.findByEmail(email);
    if (!account) {
      try {
        // The operator configured this address: nothing to verify.
        await this.create({
          email,
          password,
          name: 'Administrator',
          role: 'admin',
          emailVerified: true,
        });
        this.logger.log(`admin ${email} created`);
        return 'created';
      } catch (error) {
        if (!(error instanceof EmailTakenError)) throw error;
      }
      // Taken at the same moment (another instance, or a registration): judged like any account.
      account = found(await this.findByEmail(email), 'User');
    }
    if (account.role === 'admin') return 'unchanged';
    if (existing === 'promote') return this.promote(account);
    if (!(await this.hasher.verify(password, account.passwordHash))) return 'password-mismatch';
    // Only the hash just verified: a password changed meanwhile is no longer known to match.
    const promoted = await this.promote(account, account.passwordHash);
    return promoted === 'promoted' ? promoted : 'password-mismatch';
  }

  /** Promotes an existing account to admin, password unchanged (`create-admin --promote-existing`). */
  async promoteToAdmin(email: string): Promise<Exclude<AdminOutcome, 'created'>> {
    const account = found(await this.findByEmail(email), `User ${email}`);
    return account.role === 'admin' ? 'unchanged' : this.promote(account);
  }

  private async promote(
    account: User,
    ifPasswordHash?: string,
  ): Promise<Exclude<AdminOutcome, 'created'>> {
    const where = ifPasswordHash
      ? { id: account.id, passwordHash: ifPasswordHash }
      : { id: account.id };
    const { affected } = await this.users.update(where, { role: 'admin' });
    if (!affected) return 'unchanged';
    this.logger.log(`user ${account.email} promoted to admin`);
    return 'promoted';
  }
}
