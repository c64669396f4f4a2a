import { Body, Controller, Headers, HttpCode, Post, UseGuards } from '@nestjs/common';
import {
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
import { AuthResponseDto, LoginDto, RefreshTokenDto, RegisterDto } from './dto/auth.dto.js';
import { toUserDto } from './dto/user.dto.js';

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
  constructor(private readonly auth: AuthService) {}

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
}
