import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../password-policy.js';
import { UserDto } from './user.dto.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({
    description:
      'At least 8 characters, mixing letters with digits or symbols; not a common password',
    example: 'correct-horse-42',
    minLength: 8,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name!: string;
}

export class LoginDto {
  @ApiProperty({ format: 'email', example: 'ada@example.com' })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ example: 'correct-horse-42' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  password!: string;
}

export class RefreshTokenDto {
  @ApiProperty({
    description: 'The refresh token from `login`, `register` or the last `refreshToken`',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  refreshToken!: string;
}

export class AuthResponseDto {
  user!: UserDto;

  @ApiProperty({
    description: 'Bearer token for `Authorization: Bearer …` and the Socket.IO handshake',
  })
  accessToken!: string;

  @ApiProperty({ description: 'Single-use token for `refreshToken`; store it securely' })
  refreshToken!: string;

  @ApiProperty({
    type: 'integer',
    description: 'Seconds until the access token expires',
    example: 900,
  })
  expiresIn!: number;
}
