import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountsModule } from '@/accounts/accounts.module.js';
import { MediaModule } from '@/media/media.module.js';
import { AddressesController } from './addresses.controller.js';
import { AddressesService } from './addresses.service.js';
import { DefaultAddressProvider } from './default-address.provider.js';
import { NotificationPreferences } from './notification-preferences.provider.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';
import { UserAddress } from './user-address.entity.js';
import { UserProfile } from './user-profile.entity.js';

/**
 * Richer profiles: personal details, notification preferences, the profile image and the
 * address book. Checkout reads the default addresses through {@link DefaultAddressProvider},
 * email the preferences through {@link NotificationPreferences}.
 */
@Module({
  imports: [TypeOrmModule.forFeature([UserProfile, UserAddress]), AccountsModule, MediaModule],
  controllers: [ProfilesController, AddressesController],
  providers: [ProfilesService, AddressesService, DefaultAddressProvider, NotificationPreferences],
  exports: [DefaultAddressProvider, NotificationPreferences],
})
export class ProfilesModule {}
