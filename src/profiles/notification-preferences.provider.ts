import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { UserProfile } from './user-profile.entity.js';

/**
 * The profile's notification preferences, for the modules that notify (email). A user without a
 * profile row has the defaults: email notifications on.
 */
@Injectable()
export class NotificationPreferences {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** `emailNotifications`: whether the user wants emails about their orders. */
  async wantsOrderEmails(
    userId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<boolean> {
    const profile = await manager.findOne(UserProfile, {
      where: { userId },
      select: { userId: true, emailNotifications: true },
    });
    return profile?.emailNotifications ?? true;
  }
}
