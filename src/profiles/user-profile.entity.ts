import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const GENDERS = ['female', 'male', 'non_binary', 'other', 'prefer_not_to_say'] as const;
export type Gender = (typeof GENDERS)[number];

/**
 * The richer profile of a user, beside the account (`users`: email, name, phone). Created on
 * the first write; a user without a row has an empty profile with the default preferences.
 */
@Entity('user_profiles')
export class UserProfile {
  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  /** `YYYY-MM-DD` (a `date` column reads as a string: no time zone shifts). */
  @Column({ type: 'date', nullable: true })
  dateOfBirth!: string | null;

  @Column({ type: 'varchar', length: 24, nullable: true })
  gender!: Gender | null;

  @Column({ type: 'varchar', length: 1000, nullable: true })
  bio!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  occupation!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  company!: string | null;

  @Column({ type: 'varchar', length: 2048, nullable: true })
  website!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  alternatePhone!: string | null;

  @Column({ type: 'varchar', length: 254, nullable: true })
  secondaryEmail!: string | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  emergencyContactName!: string | null;

  @Column({ type: 'varchar', length: 32, nullable: true })
  emergencyContactPhone!: string | null;

  @Column({ type: 'varchar', length: 50, nullable: true })
  emergencyContactRelation!: string | null;

  @Column({ type: 'boolean', default: true })
  emailNotifications!: boolean;

  @Column({ type: 'boolean', default: false })
  smsNotifications!: boolean;

  @Column({ type: 'boolean', default: false })
  newsletterSubscription!: boolean;

  /** Media storage key of the profile image. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  imageKey!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

/** What a user without a profile row reads as. */
export function emptyProfile(userId: string): UserProfile {
  return Object.assign(new UserProfile(), {
    userId,
    dateOfBirth: null,
    gender: null,
    bio: null,
    occupation: null,
    company: null,
    website: null,
    alternatePhone: null,
    secondaryEmail: null,
    emergencyContactName: null,
    emergencyContactPhone: null,
    emergencyContactRelation: null,
    emailNotifications: true,
    smsNotifications: false,
    newsletterSubscription: false,
    imageKey: null,
    createdAt: null,
    updatedAt: null,
  });
}
