import { ApiProperty } from '@nestjs/swagger';
import { AddressDto } from '@/common/address.js';
import { ROLES, type Role, type User } from '../user.entity.js';

export class UserDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ format: 'email' })
  email!: string;

  @ApiProperty({
    description:
      'The user opened the link of a verification email sent to `email` (`verifyEmail`). With REQUIRE_EMAIL_VERIFICATION on, checkout needs it.',
  })
  emailVerified!: boolean;

  name!: string;

  @ApiProperty({ enum: ROLES, enumName: 'Role' })
  role!: Role;

  phone!: string | null;

  defaultShippingAddress!: AddressDto | null;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
}

export function toUserDto(user: User): UserDto {
  return {
    id: user.id,
    email: user.email,
    emailVerified: user.emailVerifiedAt !== null,
    name: user.name,
    role: user.role,
    phone: user.phone,
    defaultShippingAddress: user.defaultShippingAddress,
    createdAt: user.createdAt.toISOString(),
  };
}
