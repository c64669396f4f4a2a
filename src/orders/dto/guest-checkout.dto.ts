import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsObject,
  IsOptional,
  IsString,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { AddressDto } from '@/common/address.js';
import { Trim } from '@/common/query-transforms.js';
import { OrderDto } from './order.dto.js';

const trim = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? value.trim() : value;

/** A guest's checkout: the signed-in body, with a contact address and no address book. */
export class GuestCheckoutDto {
  @ApiProperty({
    format: 'email',
    maxLength: 254,
    example: 'ada@example.com',
    description:
      'Where the order emails go. Once an account with this address verifies it, the order becomes that account’s.',
  })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email!: string;

  @ApiProperty({ type: () => AddressDto, description: 'Required: a guest has no address book' })
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  shippingAddress!: AddressDto;

  @ApiPropertyOptional({
    type: () => AddressDto,
    description: 'Defaults to the shipping address',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  billingAddress?: AddressDto;

  @ApiPropertyOptional({ maxLength: 1000, example: 'Leave at the back door' })
  @IsOptional()
  @IsString()
  @MaxLength(1000)
  notes?: string;

  @ApiPropertyOptional({
    maxLength: 50,
    example: 'SPRING-25',
    description:
      'A coupon to apply (any case), on the same terms as for customers; a per-customer limit counts this address (its guest orders and the account that has it). Part of the Idempotency-Key body.',
  })
  @Trim()
  @IsOptional()
  @IsString()
  @MaxLength(50)
  couponCode?: string;
}

/** The order a guest checkout made, with the token that opens it. */
export class GuestOrderDto extends OrderDto {
  @ApiProperty({
    description:
      'Opens this order, and only it: send it as `X-Order-Token` to `getOrder` and `cancelOrder`, or as `auth: {orderToken}` in the Socket.IO handshake. 256 bits; the server keeps only its hash and cannot show it again, except to a retry of the same checkout (same cart token and Idempotency-Key). Keep it like a password.',
    example: 'yX3kq2H0cQm9w8dS1zP4bF7nL6tR5vA0eJ2uI9oK3gM',
  })
  guestToken!: string;
}
