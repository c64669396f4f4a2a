import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Validate,
  ValidateIf,
  ValidateNested,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { GENDERS, type Gender } from '../user-profile.entity.js';

const PHONE = /^\+?[0-9 ()-]{5,32}$/;
const PHONE_MESSAGE = { message: '$property must be a phone number' };

/** Trims strings; an empty string reads as `null` (cleared). */
const TrimToNull = (): PropertyDecorator =>
  Transform(({ value }: { value: unknown }) => {
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? null : trimmed;
  });

/** Present and not null: the field is being set (null clears it, absent leaves it). */
const setting = (_: object, value: unknown): boolean => value !== null && value !== undefined;

@ValidatorConstraint({ name: 'pastDate' })
class PastCalendarDate implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
    const date = new Date(`${value}T00:00:00Z`);
    return (
      !Number.isNaN(date.getTime()) &&
      date.toISOString().startsWith(value) && // no 2023-02-31
      value >= '1900-01-01' &&
      date.getTime() <= Date.now()
    );
  }

  defaultMessage(): string {
    return 'dateOfBirth must be a real date (YYYY-MM-DD) from 1900-01-01 up to today';
  }
}

export class EmergencyContactDto {
  @ApiProperty({ maxLength: 120, example: 'Grace Hopper' })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value))
  @IsString()
  @IsNotEmpty()
  @MaxLength(120)
  name!: string;

  @ApiProperty({ example: '+1 555 0100', maxLength: 32 })
  @IsString()
  @Matches(PHONE, PHONE_MESSAGE)
  phone!: string;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 50, example: 'sister' })
  @TrimToNull()
  @ValidateIf(setting)
  @IsString()
  @MaxLength(50)
  relation?: string | null;
}

export class NotificationPreferencesDto {
  @ApiProperty({ description: 'Order and account emails' })
  emailNotifications!: boolean;

  @ApiProperty({ description: 'Text messages to your phone' })
  smsNotifications!: boolean;

  @ApiProperty({ description: 'Marketing newsletter (off until you opt in)' })
  newsletter!: boolean;
}

export class UpdateNotificationPreferencesDto {
  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  emailNotifications?: boolean;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  smsNotifications?: boolean;

  @ApiPropertyOptional()
  @ValidateIf((_, value) => value !== undefined)
  @IsBoolean()
  newsletter?: boolean;
}

/** Every field optional; `null` (or an empty string) clears a field. */
export class UpdateProfileDto {
  @ApiPropertyOptional({
    type: 'string',
    format: 'date',
    nullable: true,
    example: '1990-12-10',
  })
  @ValidateIf(setting)
  @Validate(PastCalendarDate)
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ enum: GENDERS, enumName: 'Gender', nullable: true })
  @ValidateIf(setting)
  @IsIn(GENDERS)
  gender?: Gender | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 1000 })
  @TrimToNull()
  @ValidateIf(setting)
  @IsString()
  @MaxLength(1000)
  bio?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 100 })
  @TrimToNull()
  @ValidateIf(setting)
  @IsString()
  @MaxLength(100)
  occupation?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 100 })
  @TrimToNull()
  @ValidateIf(setting)
  @IsString()
  @MaxLength(100)
  company?: string | null;

  @ApiPropertyOptional({
    type: 'string',
    format: 'uri',
    nullable: true,
    maxLength: 2048,
    example: 'https://ada.example',
  })
  @TrimToNull()
  @ValidateIf(setting)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true })
  @MaxLength(2048)
  website?: string | null;

  @ApiPropertyOptional({ type: 'string', nullable: true, maxLength: 32 })
  @TrimToNull()
  @ValidateIf(setting)
  @IsString()
  @Matches(PHONE, PHONE_MESSAGE)
  alternatePhone?: string | null;

  @ApiPropertyOptional({ type: 'string', format: 'email', nullable: true, maxLength: 254 })
  @TrimToNull()
  @ValidateIf(setting)
  @IsEmail()
  @MaxLength(254)
  secondaryEmail?: string | null;

  @ValidateIf(setting)
  @IsObject()
  @ValidateNested()
  @Type(() => EmergencyContactDto)
  emergencyContact?: EmergencyContactDto | null;

  @ValidateIf((_, value) => value !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => UpdateNotificationPreferencesDto)
  preferences?: UpdateNotificationPreferencesDto;
}

export class ProfileDto {
  @ApiProperty({ format: 'uuid' })
  userId!: string;

  @ApiProperty({ description: 'From the account (`updateMe` changes it)' })
  email!: string;

  @ApiProperty({ description: 'From the account (`updateMe` changes it)' })
  name!: string;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'From the account (`updateMe` changes it)',
  })
  phone!: string | null;

  @ApiProperty({ type: 'string', format: 'date', nullable: true })
  dateOfBirth!: string | null;

  @ApiProperty({ enum: GENDERS, enumName: 'Gender', nullable: true })
  gender!: Gender | null;

  bio!: string | null;

  occupation!: string | null;

  company!: string | null;

  website!: string | null;

  alternatePhone!: string | null;

  secondaryEmail!: string | null;

  emergencyContact!: EmergencyContactDto | null;

  preferences!: NotificationPreferencesDto;

  @ApiProperty({
    type: 'string',
    nullable: true,
    description: 'The profile image, a path under `/media` on the API origin',
    example: '/media/3f2a0c1e9b8d4e6fa1b2c3d4e5f60718.jpg',
  })
  imageUrl!: string | null;

  @ApiProperty({
    type: 'string',
    format: 'date-time',
    nullable: true,
    description: 'null until the profile is first saved',
  })
  updatedAt!: Date | null;
}

export class ProfileCompletenessDto {
  @ApiProperty({ minimum: 0, maximum: 100, description: 'Whole percent of the fields filled' })
  percentage!: number;

  completedFields!: number;

  totalFields!: number;

  @ApiProperty({
    type: [String],
    example: ['dateOfBirth', 'profileImage'],
    description:
      'Fields still to fill, among: name, phone, dateOfBirth, bio, occupation, profileImage, defaultShippingAddress, defaultBillingAddress',
  })
  missingFields!: string[];

  isComplete!: boolean;
}
