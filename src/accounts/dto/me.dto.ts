import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { AddressDto } from '@/common/address.js';
import { PageQueryDto } from '@/common/pagination.js';
import { PASSWORD_MAX_LENGTH } from '../password-policy.js';
import { ROLES, type Role } from '../user.entity.js';

export class UpdateMeDto {
  @ApiPropertyOptional({ example: 'Ada King' })
  // Not @IsOptional(): that lets null through, and a name cannot be cleared.
  @ValidateIf((_, value) => value !== undefined)
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name?: string;

  @ApiPropertyOptional({
    type: 'string',
    nullable: true,
    example: '+44 20 7946 0958',
    description: '`null` clears it',
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsString()
  @Matches(/^\+?[0-9 ()-]{5,32}$/, { message: 'phone must be a phone number' })
  phone?: string | null;

  @ApiPropertyOptional({ type: () => AddressDto, nullable: true, description: '`null` clears it' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsObject() // @ValidateNested() alone accepts an array of addresses
  @ValidateNested()
  @Type(() => AddressDto)
  defaultShippingAddress?: AddressDto | null;
}

export class ChangePasswordDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(PASSWORD_MAX_LENGTH)
  currentPassword!: string;

  @ApiProperty({
    description: 'Same rules as at registration',
    minLength: 8,
    maxLength: PASSWORD_MAX_LENGTH,
  })
  @IsString()
  @MaxLength(PASSWORD_MAX_LENGTH)
  newPassword!: string;
}

export class ListUsersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'Case-insensitive match on email or name' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class UpdateUserRoleDto {
  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  @IsIn(ROLES)
  role!: Role;
}
