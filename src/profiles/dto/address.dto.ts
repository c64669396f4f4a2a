import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { AddressDto } from '@/common/address.js';
import type { UserAddress } from '../user-address.entity.js';

const trim = Transform(({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim() : value,
);
const defined = (_: object, value: unknown): boolean => value !== undefined;
const setting = (_: object, value: unknown): boolean => value !== null && value !== undefined;

/** A new address: the postal fields of checkout's address, a label, and the default flags. */
export class CreateAddressDto extends AddressDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 50, example: 'Home' })
  @trim
  @ValidateIf(setting)
  @IsString()
  @MaxLength(50)
  label?: string | null;

  @ApiPropertyOptional({
    description: 'Make it the default shipping address (your first address always is)',
  })
  @ValidateIf(defined)
  @IsBoolean()
  isDefaultShipping?: boolean;

  @ApiPropertyOptional({
    description: 'Make it the default billing address (your first address always is)',
  })
  @ValidateIf(defined)
  @IsBoolean()
  isDefaultBilling?: boolean;
}

/**
 * Every field optional. Required postal fields cannot be cleared (`null` is a 400); optional
 * ones (`line2`, `region`, `phone`, `label`) are cleared with `null`.
 */
export class UpdateAddressDto {
  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 50 })
  @trim
  @ValidateIf(setting)
  @IsString()
  @MaxLength(50)
  label?: string | null;

  @ApiPropertyOptional({ maxLength: 120 })
  @ValidateIf(defined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  fullName?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @ValidateIf(defined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  line1?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 200 })
  @ValidateIf(setting)
  @IsString()
  @MaxLength(200)
  line2?: string | null;

  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(defined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  city?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 100 })
  @ValidateIf(setting)
  @IsString()
  @MaxLength(100)
  region?: string | null;

  @ApiPropertyOptional({ maxLength: 20 })
  @ValidateIf(defined)
  @IsString()
  @IsNotEmpty()
  @MaxLength(20)
  postalCode?: string;

  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2', minLength: 2, maxLength: 2 })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toUpperCase() : value,
  )
  @ValidateIf(defined)
  @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 32 })
  @ValidateIf(setting)
  @IsString()
  @Matches(/^\+?[0-9 ()-]{5,32}$/, { message: 'phone must be a phone number' })
  phone?: string | null;
}

export class SavedAddressDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  label!: string | null;

  fullName!: string;

  line1!: string;

  line2!: string | null;

  city!: string;

  region!: string | null;

  postalCode!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2' })
  country!: string;

  phone!: string | null;

  @ApiProperty({ description: 'Used by checkout when the order gives no shipping address' })
  isDefaultShipping!: boolean;

  @ApiProperty({ description: 'Used by checkout when the order gives no billing address' })
  isDefaultBilling!: boolean;

  @ApiProperty({ type: 'string', format: 'date-time' })
  createdAt!: Date;

  @ApiProperty({ type: 'string', format: 'date-time' })
  updatedAt!: Date;
}

export class SavedAddressListDto {
  @ApiProperty({ type: () => [SavedAddressDto], description: 'Oldest first' })
  items!: SavedAddressDto[];
}

export const toSavedAddressDto = (entry: UserAddress): SavedAddressDto => ({
  id: entry.id,
  label: entry.label,
  fullName: entry.fullName,
  line1: entry.line1,
  line2: entry.line2,
  city: entry.city,
  region: entry.region,
  postalCode: entry.postalCode,
  country: entry.country,
  phone: entry.phone,
  isDefaultShipping: entry.isDefaultShipping,
  isDefaultBilling: entry.isDefaultBilling,
  createdAt: entry.createdAt,
  updatedAt: entry.updatedAt,
});
