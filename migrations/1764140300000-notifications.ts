import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Notifications1764140300000 implements MigrationInterface {
  name = 'Notifications1764140300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE notification_id_seq`);
    /*
     * Time-ordered UUIDs (the UUIDv7 layout: 48-bit Unix ms from the database clock, then the
     * version, variant and a sequence for the order within a millisecond), so `after=<id>` is a
     * plain `id > $1`. Notifications of one user are created under a per-user transaction lock,
     * so their ids are also in commit order: a client catching up never skips one.
     */
    await q.query(`
      CREATE FUNCTION next_notification_id() RETURNS uuid LANGUAGE sql VOLATILE AS $$
        SELECT (
          lpad(to_hex(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') ||
          '7' || lpad(to_hex((s >> 62) & 4095), 3, '0') ||
          to_hex(8 + ((s >> 60) & 3)) || lpad(to_hex((s >> 48) & 4095), 3, '0') ||
          lpad(to_hex(s & 281474976710655), 12, '0')
        )::uuid
        FROM (SELECT nextval('notification_id_seq') AS s) AS seq
      $$`);
    await q.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT next_notification_id(),
        user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        type varchar(40) NOT NULL,
        title varchar(200) NOT NULL,
        message text NOT NULL,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX notifications_user_id_idx ON notifications (user_id, id DESC)`);
    await q.query(
      `CREATE INDEX notifications_unread_idx ON notifications (user_id, id DESC) WHERE read_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE notifications`);
    await q.query(`DROP FUNCTION next_notification_id()`);
    await q.query(`DROP SEQUENCE notification_id_seq`);
  }
}
