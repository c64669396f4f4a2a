import { Body, Controller, Delete, Get, HttpCode, Patch, Put, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { type AuthUser, CurrentUser } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { AcceptsMultipart, ApiImageUploadErrors, readImageUpload } from '@/media/image-upload.js';
import { ProfileCompletenessDto, ProfileDto, UpdateProfileDto } from './dto/profile.dto.js';
import { toProfileDto } from './dto/profile.mapper.js';
import { ProfilesService } from './profiles.service.js';

class ProfileImageFormDto {
  @ApiProperty({
    type: 'string',
    format: 'binary',
    description:
      'A JPEG, PNG, WebP or GIF, judged by its content; at most `MEDIA_MAX_BYTES` (5 MB by default)',
  })
  file!: unknown;
}

@ApiTags('profile')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/me/profile')
export class ProfilesController {
  constructor(
    private readonly profiles: ProfilesService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Your profile',
    description: 'Personal details, notification preferences and profile image.',
  })
  @ApiOkResponse({ type: ProfileDto })
  async getProfile(@CurrentUser() actor: AuthUser): Promise<ProfileDto> {
    return toProfileDto(await this.profiles.get(actor));
  }

  @Patch()
  @ApiOperation({
    summary: 'Update your profile',
    description:
      'Every field optional; `null` clears one. Name and phone are the account’s: change them with `updateMe`.',
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiBodyErrors()
  async updateProfile(
    @CurrentUser() actor: AuthUser,
    @Body() dto: UpdateProfileDto,
  ): Promise<ProfileDto> {
    return toProfileDto(await this.profiles.update(actor, dto));
  }

  @Get('completeness')
  @ApiOperation({
    summary: 'How complete your profile is',
    description: 'Whole percent of the profile fields filled, and which are missing.',
  })
  @ApiOkResponse({ type: ProfileCompletenessDto })
  getProfileCompleteness(@CurrentUser() actor: AuthUser): Promise<ProfileCompletenessDto> {
    return this.profiles.completeness(actor);
  }

  @Put('image')
  @AcceptsMultipart()
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ProfileImageFormDto })
  @ApiOperation({
    summary: 'Set your profile image',
    description:
      'Multipart form with the image in `file`; replaces (and deletes) the previous one. Stored re-encoded in its format, upright and without metadata (EXIF/GPS, XMP, IPTC, comments). ' +
      'Too large → 413; not a JPEG, PNG, WebP or GIF → 415; unreadable, or more than `MEDIA_MAX_PIXELS` pixels → 422; more than `UPLOAD_RATE_LIMIT` uploads a minute → 429.',
  })
  @ApiOkResponse({ type: ProfileDto })
  @ApiImageUploadErrors()
  async uploadProfileImage(
    @CurrentUser() actor: AuthUser,
    @Req() request: FastifyRequest,
  ): Promise<ProfileDto> {
    const upload = await readImageUpload(request, {
      maxBytes: this.config.mediaMaxBytes,
      fields: [],
    });
    return toProfileDto(await this.profiles.setImage(actor, upload));
  }

  @Delete('image')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove your profile image' })
  @ApiNoContentResponse({ description: 'Removed (or there was none)' })
  async deleteProfileImage(@CurrentUser() actor: AuthUser): Promise<void> {
    await this.profiles.deleteImage(actor);
  }
}
