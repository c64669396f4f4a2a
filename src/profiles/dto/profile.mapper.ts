import { mediaUrl } from '@/media/media-storage.js';
import type { ProfileView } from '../profiles.service.js';
import type { ProfileDto } from './profile.dto.js';

export function toProfileDto({ user, profile }: ProfileView): ProfileDto {
  return {
    userId: user.id,
    email: user.email,
    name: user.name,
    phone: user.phone,
    dateOfBirth: profile.dateOfBirth,
    gender: profile.gender,
    bio: profile.bio,
    occupation: profile.occupation,
    company: profile.company,
    website: profile.website,
    alternatePhone: profile.alternatePhone,
    secondaryEmail: profile.secondaryEmail,
    emergencyContact:
      profile.emergencyContactName && profile.emergencyContactPhone
        ? {
            name: profile.emergencyContactName,
            phone: profile.emergencyContactPhone,
            relation: profile.emergencyContactRelation,
          }
        : null,
    preferences: {
      emailNotifications: profile.emailNotifications,
      smsNotifications: profile.smsNotifications,
      newsletter: profile.newsletterSubscription,
    },
    imageUrl: profile.imageKey ? mediaUrl(profile.imageKey) : null,
    updatedAt: profile.updatedAt,
  };
}
