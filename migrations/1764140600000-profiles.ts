import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Richer profiles: one `user_profiles` row per user (created on first write; a user without one
 * reads as an empty profile) and an address book with at most one default shipping and one
 * default billing address per user, enforced by partial unique indexes.
 */
export class Profiles1764140600000 implements MigrationInterface {
  name = 'Profiles1764140600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE user_profiles (
        user_id uuid PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
        date_of_birth date CONSTRAINT user_profiles_date_of_birth_check
          CHECK (date_of_birth >= DATE '1900-01-01'),
        gender varchar(24) CONSTRAINT user_profiles_gender_check
          CHECK (gender IN ('female', 'male', 'non_binary', 'other', 'prefer_not_to_say')),
        bio varchar(1000),
        occupation varchar(100),
        company varchar(100),
        website varchar(2048),
        alternate_phone varchar(32),
        secondary_email varchar(254),
        emergency_contact_name varchar(120),
        emergency_contact_phone varchar(32),
        emergency_contact_relation varchar(50),
        email_notifications boolean NOT NULL DEFAULT true,
        sms_notifications boolean NOT NULL DEFAULT false,
        newsletter_subscription boolean NOT NULL DEFAULT false,
        -- a key of the media storage: random, never a client-supplied name
        image_key varchar(64) CONSTRAINT user_profiles_image_key_check
          CHECK (image_key ~ '^[0-9a-f]{32}\\.(jpg|png|webp|gif)$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE user_addresses (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        label varchar(50),
        full_name varchar(120) NOT NULL CHECK (full_name <> ''),
        line1 varchar(200) NOT NULL CHECK (line1 <> ''),
        line2 varchar(200),
        city varchar(100) NOT NULL CHECK (city <> ''),
        region varchar(100),
        postal_code varchar(20) NOT NULL CHECK (postal_code <> ''),
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        phone varchar(32),
        is_default_shipping boolean NOT NULL DEFAULT false,
        is_default_billing boolean NOT NULL DEFAULT false,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX user_addresses_user_created_idx ON user_addresses (user_id, created_at, id)`,
    );
    await q.query(
      `CREATE UNIQUE INDEX user_addresses_default_shipping_key ON user_addresses (user_id) WHERE is_default_shipping`,
    );
    await q.query(
      `CREATE UNIQUE INDEX user_addresses_default_billing_key ON user_addresses (user_id) WHERE is_default_billing`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE user_addresses`);
    await q.query(`DROP TABLE user_profiles`);
  }
}
