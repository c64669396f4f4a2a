import { Global, Inject, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import type { AppConfig } from '@/config/app-config.js';
import { APP_CONFIG } from '@/config/config.module.js';
import { AccountEvents } from './account-events.js';
import { AuthRateLimitGuard } from './auth-rate-limit.guard.js';
import { AuthController } from './auth.controller.js';
import { JwtAuthGuard, RolesGuard } from './auth.guards.js';
import { AuthService } from './auth.service.js';
import { EMAIL_VERIFICATION_GATE } from './email-verification.gate.js';
import { EmailVerificationToken } from './email-verification-token.entity.js';
import { EmailVerificationService } from './email-verification.service.js';
import { JwtStrategy, jwtKey } from './jwt.strategy.js';
import { MeController } from './me.controller.js';
import { PasswordHasher } from './password-hasher.js';
import { PasswordResetToken } from './password-reset-token.entity.js';
import { PasswordResetService } from './password-reset.service.js';
import { RefreshToken } from './refresh-token.entity.js';
import { TokensService } from './tokens.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([User, RefreshToken, PasswordResetToken, EmailVerificationToken]),
    PassportModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: jwtKey(config.jwtSecret),
        signOptions: { algorithm: 'HS256', expiresIn: config.jwtAccessTtl },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, MeController, UsersController],
  providers: [
    PasswordHasher,
    TokensService,
    UsersService,
    AuthService,
    AccountEvents,
    PasswordResetService,
    EmailVerificationService,
    JwtStrategy,
    AuthRateLimitGuard,
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_GUARD, useClass: RolesGuard },
  ],
  exports: [UsersService, PasswordResetService, EmailVerificationService],
})
export class AccountsModule implements OnApplicationBootstrap {
  private readonly logger = new Logger(AccountsModule.name);

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * `ADMIN_EMAIL` + `ADMIN_PASSWORD`: make sure that admin exists (idempotent, safe on every
   * instance). An account someone else registered with that address is not promoted, and does
   * not stop the shop from starting: the log says so, and how to promote it on purpose.
   */
  async onApplicationBootstrap(): Promise<void> {
    const { adminEmail, adminPassword } = this.config;
    if (!adminEmail || !adminPassword) return;
    const outcome = await this.users.ensureAdmin(
      adminEmail,
      adminPassword,
      'promote-if-password-matches',
    );
    if (outcome === 'password-mismatch') {
      this.logger.warn(
        `ADMIN_EMAIL ${adminEmail}: an account with this email already exists and ADMIN_PASSWORD is not its password, so it was NOT promoted to admin (anyone can register an address). If that account is yours, promote it on purpose: npm run create-admin -- --promote-existing ${adminEmail}`,
      );
      return;
    }
    this.logger.log(`ADMIN_EMAIL ${adminEmail}: ${outcome}`);
  }
}

/**
 * Lends every module the REQUIRE_EMAIL_VERIFICATION check (`assertVerified`): checkout calls it,
 * without importing the whole accounts module for it.
 */
@Global()
@Module({
  imports: [AccountsModule],
  providers: [{ provide: EMAIL_VERIFICATION_GATE, useExisting: EmailVerificationService }],
  exports: [EMAIL_VERIFICATION_GATE],
})
export class EmailVerificationGateModule {}
