import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { User } from '@/accounts/user.entity.js';
import { UsersService } from '@/accounts/users.service.js';
import type { AuthUser } from '@/common/auth.js';
import type { ImageUpload } from '@/media/image-upload.js';
import { MediaService } from '@/media/media.service.js';
import type { UpdateProfileDto } from './dto/profile.dto.js';
import { type ProfileCompleteness, profileCompleteness } from './profile-completeness.js';
import { lockProfile } from './profile-lock.js';
import { UserAddress } from './user-address.entity.js';
import { emptyProfile, UserProfile } from './user-profile.entity.js';

/** A profile with the account fields it shows (name, email, phone live on the account). */
export interface ProfileView {
  user: User;
  profile: UserProfile;
}

const TEXT_FIELDS = [
  'dateOfBirth',
  'gender',
  'bio',
  'occupation',
  'company',
  'website',
  'alternatePhone',
  'secondaryEmail',
] as const;

/** Your own richer profile: personal details, notification preferences, profile image. */
@Injectable()
export class ProfilesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersService,
    private readonly media: MediaService,
  ) {}

  async get(actor: AuthUser): Promise<ProfileView> {
    const [user, profile] = await Promise.all([
      this.users.get(actor.id),
      this.dataSource.manager.findOne(UserProfile, { where: { userId: actor.id } }),
    ]);
    return { user, profile: profile ?? emptyProfile(actor.id) };
  }

  async update(actor: AuthUser, dto: UpdateProfileDto): Promise<ProfileView> {
    await this.dataSource.transaction(async (manager) => {
      const profile = await lockProfile(manager, actor.id);
      for (const key of TEXT_FIELDS) {
        const value = dto[key];
        if (value !== undefined) (profile as unknown as Record<string, unknown>)[key] = value;
      }
      if (dto.emergencyContact !== undefined) {
        const contact = dto.emergencyContact;
        profile.emergencyContactName = contact?.name ?? null;
        profile.emergencyContactPhone = contact?.phone ?? null;
        profile.emergencyContactRelation = contact?.relation ?? null;
      }
      const preferences = dto.preferences;
      if (preferences?.emailNotifications !== undefined)
        profile.emailNotifications = preferences.emailNotifications;
      if (preferences?.smsNotifications !== undefined)
        profile.smsNotifications = preferences.smsNotifications;
      if (preferences?.newsletter !== undefined)
        profile.newsletterSubscription = preferences.newsletter;
      await manager.save(profile);
    });
    return this.get(actor);
  }

  async completeness(actor: AuthUser): Promise<ProfileCompleteness> {
    const { user, profile } = await this.get(actor);
    const defaults = await this.dataSource.manager
      .createQueryBuilder(UserAddress, 'a')
      .select(['a.isDefaultShipping', 'a.isDefaultBilling'])
      .where('a.userId = :userId', { userId: actor.id })
      .andWhere('(a.isDefaultShipping OR a.isDefaultBilling)')
      .getMany();
    return profileCompleteness({
      name: user.name.trim() !== '',
      phone: Boolean(user.phone),
      dateOfBirth: profile.dateOfBirth !== null,
      bio: Boolean(profile.bio),
      occupation: Boolean(profile.occupation),
      profileImage: profile.imageKey !== null,
      defaultShippingAddress:
        defaults.some((a) => a.isDefaultShipping) || user.defaultShippingAddress !== null,
      defaultBillingAddress: defaults.some((a) => a.isDefaultBilling),
    });
  }

  /** Sets the profile image; the previous file is deleted once the change committed. */
  async setImage(actor: AuthUser, upload: ImageUpload): Promise<ProfileView> {
    const stored = await this.media.store(upload.data, upload.image);
    try {
      await this.dataSource.transaction(async (manager) => {
        const profile = await lockProfile(manager, actor.id);
        const previous = profile.imageKey;
        await manager.update(UserProfile, { userId: actor.id }, { imageKey: stored.key });
        if (previous) await this.media.release([previous], manager);
      });
    } catch (error) {
      await this.media.discardUnreferenced(stored.key);
      throw error;
    }
    return this.get(actor);
  }

  /** Removes the profile image (nothing to do when there is none). */
  async deleteImage(actor: AuthUser): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const profile = await lockProfile(manager, actor.id);
      if (!profile.imageKey) return;
      await manager.update(UserProfile, { userId: actor.id }, { imageKey: null });
      await this.media.release([profile.imageKey], manager);
    });
  }
}
