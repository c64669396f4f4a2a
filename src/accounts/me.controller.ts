import { Body, Controller, Get, HttpCode, Patch, Post, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { ChangePasswordDto, UpdateMeDto } from './dto/me.dto.js';
import { toUserDto, UserDto } from './dto/user.dto.js';
import { EmailVerificationService } from './email-verification.service.js';
import { UsersService } from './users.service.js';
import { AuthRateLimit, AuthRateLimitGuard } from './auth-rate-limit.guard.js';

@ApiTags('me')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/me')
export class MeController {
  constructor(
    private readonly users: UsersService,
    private readonly emailVerification: EmailVerificationService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Your profile' })
  @ApiOkResponse({ type: UserDto })
  async getMe(@CurrentUser() actor: AuthUser): Promise<UserDto> {
    return toUserDto(await this.users.get(actor.id));
  }

  @Patch()
  @ApiOperation({ summary: 'Update your name, phone or default shipping address' })
  @ApiOkResponse({ type: UserDto })
  @ApiBodyErrors()
  async updateMe(@CurrentUser() actor: AuthUser, @Body() dto: UpdateMeDto): Promise<UserDto> {
    return toUserDto(await this.users.updateProfile(actor, dto));
  }

  @Post('password')
  @HttpCode(204)
  @UseGuards(AuthRateLimitGuard)
  @AuthRateLimit('user')
  @ApiOperation({
    summary: 'Change your password',
    description:
      'A wrong current password is a 400. Every refresh token of yours is revoked: other sessions must log in again.',
  })
  @ApiNoContentResponse({ description: 'Password changed' })
  @ApiBodyErrors()
  async changePassword(
    @CurrentUser() actor: AuthUser,
    @Body() dto: ChangePasswordDto,
  ): Promise<void> {
    await this.users.changePassword(actor, dto.currentPassword, dto.newPassword);
  }

  @Post('verify-email/resend')
  @HttpCode(202)
  @UseGuards(AuthRateLimitGuard)
  @AuthRateLimit('verification-resend')
  @ApiOperation({
    summary: 'Email a new verification link',
    description:
      'To your current address; earlier links keep working until they expire. 409 `EMAIL_ALREADY_VERIFIED` when there is nothing to verify. Rate-limited per user (PASSWORD_RESET_RATE_LIMIT an hour).',
  })
  @ApiAcceptedResponse({ description: 'The email is on its way' })
  @ApiErrors(409)
  async resendVerificationEmail(@CurrentUser() actor: AuthUser): Promise<void> {
    await this.emailVerification.resend(actor.id);
  }
}
