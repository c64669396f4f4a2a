import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The transactional outbox and outgoing webhooks.
 *
 * - `outbox_events`: one row per event that leaves the process, written in the transaction of the
 *   change itself; its id is also the id of its dispatch job (pg-boss, schema `pgboss`, installed
 *   by the engine, not here). `dispatched_at` is set once the consumers took it.
 * - `webhook_endpoints`: receivers an admin registered, with their signing secrets (needed to sign,
 *   so stored as such; never returned after creation or rotation) and why one was disabled.
 * - `webhook_deliveries`: one per (event, endpoint); its id is the `webhook-id` a receiver
 *   deduplicates on, the same on every attempt.
 * - `webhook_delivery_attempts`: the delivery log, append-only.
 */
export class OutboxWebhooks1764141400000 implements MigrationInterface {
  name = 'OutboxWebhooks1764141400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox_events (
        id uuid PRIMARY KEY,
        type varchar(64) NOT NULL,
        version smallint NOT NULL DEFAULT 1,
        aggregate_type varchar(32) NOT NULL,
        aggregate_id uuid NOT NULL,
        user_id uuid REFERENCES users (id) ON DELETE SET NULL,
        payload jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        dispatched_at timestamptz
      )`);
    // The sweeper and the depth/age metrics read only undispatched rows.
    await q.query(
      `CREATE INDEX outbox_events_pending_idx ON outbox_events (created_at) WHERE dispatched_at IS NULL`,
    );
    await q.query(`CREATE INDEX outbox_events_created_idx ON outbox_events (created_at)`);
    await q.query(
      `CREATE INDEX outbox_events_aggregate_idx ON outbox_events (aggregate_type, aggregate_id, created_at)`,
    );
    await q.query(`CREATE INDEX outbox_events_user_idx ON outbox_events (user_id)`);

    await q.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url varchar(2048) NOT NULL,
        description varchar(500),
        event_types text[] NOT NULL CHECK (cardinality(event_types) > 0),
        secret varchar(128) NOT NULL,
        previous_secret varchar(128),
        previous_secret_expires_at timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_at timestamptz,
        disabled_reason varchar(500),
        failing_since timestamptz,
        created_by uuid REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (enabled OR disabled_at IS NOT NULL)
      )`);
    await q.query(
      `CREATE INDEX webhook_endpoints_created_by_idx ON webhook_endpoints (created_by)`,
    );
    await q.query(`CREATE INDEX webhook_endpoints_list_idx ON webhook_endpoints (created_at, id)`);

    await q.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL REFERENCES outbox_events (id) ON DELETE CASCADE,
        endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        event_type varchar(64) NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'retrying', 'succeeded', 'dead', 'cancelled')),
        attempts integer NOT NULL DEFAULT 0,
        last_attempt_at timestamptz,
        last_status_code smallint,
        last_error varchar(500),
        succeeded_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (event_id, endpoint_id)
      )`);
    await q.query(
      `CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC)`,
    );
    await q.query(
      `CREATE INDEX webhook_deliveries_open_idx ON webhook_deliveries (created_at) WHERE status IN ('pending', 'retrying')`,
    );
    await q.query(`CREATE INDEX webhook_deliveries_created_idx ON webhook_deliveries (created_at)`);

    await q.query(`
      CREATE TABLE webhook_delivery_attempts (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
        attempt integer NOT NULL,
        started_at timestamptz NOT NULL,
        duration_ms integer NOT NULL,
        result varchar(24) NOT NULL,
        status_code smallint,
        error varchar(500),
        response_body varchar(2048),
        UNIQUE (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery_attempts`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE webhook_endpoints`);
    await q.query(`DROP TABLE outbox_events`);
  }
}
