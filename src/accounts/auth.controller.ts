import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiCreatedResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Public } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { AuthRateLimit, AuthRateLimitGuard } from './auth-rate-limit.guard.js';
import { AuthService, type Session } from './auth.service.js';
import {
  RequestPasswordResetDto,
  ResetPasswordDto,
  VerifyEmailDto,
} from './dto/account-recovery.dto.js';
import { AuthResponseDto, LoginDto, RefreshTokenDto, RegisterDto } from './dto/auth.dto.js';
import { toUserDto } from './dto/user.dto.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordResetService } from './password-reset.service.js';

/** A guest's cart token sent to `register` or `login`: that guest cart merges into the user's. */
const ApiCartToken = (): MethodDecorator =>
  ApiHeader({
    name: 'X-Cart-Token',
    required: false,
    description:
      "A guest cart's token: the guest cart merges into the user's cart (quantities summed, capped by stock) and is gone. Unknown or expired tokens are ignored.",
  });

const toAuthResponse = (session: Session): AuthResponseDto => ({
  user: toUserDto(session.user),
  accessToken: session.accessToken,
  refreshToken: session.refreshToken,
  expiresIn: session.expiresIn,
});

@ApiTags('auth')
@Public()
@UseGuards(AuthRateLimitGuard)
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly passwordReset: PasswordResetService,
    private readonly emailVerification: EmailVerificationService,
  ) {}

  @Post('register')
  @AuthRateLimit('ip')
  @ApiOperation({
    summary: 'Create a customer account',
    description: 'Returns the new user and a session (tokens).',
  })
  @ApiCreatedResponse({ type: AuthResponseDto })
  @ApiBodyErrors()
  @ApiErrors(409)
  @ApiCartToken()
  async register(
    @Body() dto: RegisterDto,
    @Headers('x-cart-token') cartToken: string | undefined,
  ): Promise<AuthResponseDto> {
    return toAuthResponse(await this.auth.register(dto, cartToken));
  }

  @Post('login')
  @HttpCode(200)
  @AuthRateLimit('ip+email')
  @ApiOperation({
    summary: 'Log in with email and password',
    description:
      'One 401 for an unknown email and a wrong password. Rate-limited per client IP and per email.',
  })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiBodyErrors()
  @ApiErrors(401)
  @ApiCartToken()
  async login(
    @Body() dto: LoginDto,
    @Headers('x-cart-token') cartToken: string | undefined,
  ): Promise<AuthResponseDto> {
    return toAuthResponse(await this.auth.login(dto, cartToken));
  }

  @Post('refresh')
  @HttpCode(200)
  @AuthRateLimit('ip')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'A refresh token works once, with a short grace: presenting it again within REFRESH_REUSE_GRACE seconds (default 30) of its first use (two tabs refreshing at once, a retry after a lost answer) answers another working pair of the same family. Presenting a spent one later answers 401 and revokes every token of its family (all sessions descending from that login). A logged-out token always answers 401.',
  })
  @ApiOkResponse({ type: AuthResponseDto })
  @ApiBodyErrors()
  @ApiErrors(401)
  async refreshToken(@Body() dto: RefreshTokenDto): Promise<AuthResponseDto> {
    return toAuthResponse(await this.auth.refresh(dto.refreshToken));
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Log out',
    description: 'Revokes the refresh token family; unknown tokens are accepted silently.',
  })
  @ApiNoContentResponse({ description: 'Logged out' })
  @ApiBodyErrors()
  async logout(@Body() dto: RefreshTokenDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }

  @Post('password-reset')
  @HttpCode(202)
  @AuthRateLimit('password-reset')
  @ApiOperation({
    summary: 'Email a password reset link',
    description:
      'Answers 202 whether or not an account has this address, in the same time: the answer never tells who has an account. When one has, it gets an email with a link `${PUBLIC_URL}/reset-password?token=…` that works once, for PASSWORD_RESET_TTL (1 hour). Rate-limited per client IP and per address (PASSWORD_RESET_RATE_LIMIT an hour).',
  })
  @ApiAcceptedResponse({ description: 'If an account has this address, the email is on its way' })
  @ApiBodyErrors()
  async requestPasswordReset(@Body() dto: RequestPasswordResetDto): Promise<void> {
    await this.passwordReset.request(dto.email);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @AuthRateLimit('ip')
  @ApiOperation({
    summary: 'Set a new password with a reset link’s token',
    description:
      'One 400 `INVALID_RESET_TOKEN` for an unknown, expired or already used token. A weak password is a 400 `WEAK_PASSWORD` and leaves the token usable. On success every session of the account is signed out (refresh tokens revoked), its other reset links stop working, the address counts as verified, and a "password changed" email is sent.',
  })
  @ApiNoContentResponse({ description: 'Password changed: log in with it' })
  @ApiBodyErrors()
  async resetPassword(@Body() dto: ResetPasswordDto): Promise<void> {
    await this.passwordReset.confirm(dto.token, dto.newPassword);
  }

  @Post('verify-email')
  @HttpCode(204)
  @AuthRateLimit('ip')
  @ApiOperation({
    summary: 'Verify an email address with a verification link’s token',
    description:
      'The link `${PUBLIC_URL}/verify-email?token=…` comes by email after registration (and `resendVerificationEmail`), and works for EMAIL_VERIFICATION_TTL (48 hours). One 400 `INVALID_VERIFICATION_TOKEN` for an unknown, expired or used token, or one sent to an address the account no longer has. No sign-in needed: the token is the proof.',
  })
  @ApiNoContentResponse({ description: 'Address verified (`emailVerified: true`)' })
  @ApiBodyErrors()
  async verifyEmail(@Body() dto: VerifyEmailDto): Promise<void> {
    await this.emailVerification.verify(dto.token);
  }
}
