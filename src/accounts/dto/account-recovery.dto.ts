import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { PASSWORD_MAX_LENGTH } from '../password-policy.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

export class RequestPasswordResetDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;
}

export class ResetPasswordDto {
  @ApiProperty({
    description: 'The `token` query parameter of the link in the password reset email',
    example: 'q3Jt0b0c8Zk3y2nQ9m1xV5r7sT4uW6aB8cD0eF2gH4i',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  token!: string;

  @ApiProperty({
    description: 'Same rules as at registration',
    example: 'correct-horse-42',
    minLength: 8,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

export class VerifyEmailDto {
  @ApiProperty({
    description: 'The `token` query parameter of the link in the verification email',
    example: 'Zk3y2nQ9m1xV5r7sT4uW6aB8cD0eF2gH4iq3Jt0b0c8',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  token!: string;
}
