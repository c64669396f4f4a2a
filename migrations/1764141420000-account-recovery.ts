import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Account recovery: when a user proved their email address, and the one-time tokens of password
 * reset and email verification. Only a token's SHA-256 is stored: a database leak gives no
 * working link. Existing accounts stay unverified (nothing proved their address);
 * REQUIRE_EMAIL_VERIFICATION is off by default.
 */
export class AccountRecovery1764141420000 implements MigrationInterface {
  name = 'AccountRecovery1764141420000';

  async up(q: QueryRunner): Promise<void> {
    // A time rather than a boolean, for audit; the API shows `emailVerified`.
    await q.query(`ALTER TABLE users ADD COLUMN email_verified_at timestamptz`);
    await q.query(`
      CREATE TABLE password_reset_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX password_reset_tokens_user_open_idx ON password_reset_tokens (user_id) WHERE used_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX password_reset_tokens_expires_idx ON password_reset_tokens (expires_at)`,
    );
    await q.query(`
      CREATE TABLE email_verification_tokens (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        email varchar(254) NOT NULL,
        token_hash bytea NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        used_at timestamptz
      )`);
    await q.query(
      `CREATE INDEX email_verification_tokens_user_idx ON email_verification_tokens (user_id)`,
    );
    await q.query(
      `CREATE INDEX email_verification_tokens_expires_idx ON email_verification_tokens (expires_at)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_verification_tokens`);
    await q.query(`DROP TABLE password_reset_tokens`);
    await q.query(`ALTER TABLE users DROP COLUMN email_verified_at`);
  }
}
