import { randomBytes, randomUUID } from 'node:crypto';
import type { TestApp } from '../support/test-app.js';

type DeliveryStatus = 'pending' | 'retrying' | 'succeeded' | 'dead' | 'cancelled';

/**
 * Outbox events, webhook deliveries and account tokens written with SQL, their timestamps set
 * directly (`ago` is a PostgreSQL interval). Endpoints are made disabled: the fan-out of other
 * suites' events (same database) never adds deliveries to them.
 */
export function outboxRows(t: TestApp) {
  const q = <T>(sql: string, params: unknown[]): Promise<T[]> =>
    t.dataSource.query<T[]>(sql, params);
  return {
    /** An event made `createdAgo` ago, dispatched `dispatchedAgo` ago (undispatched if absent). */
    async event(options: { createdAgo: string; dispatchedAgo?: string }): Promise<string> {
      const id = randomUUID();
      await q(
        `INSERT INTO outbox_events (id, type, aggregate_type, aggregate_id, payload, created_at, dispatched_at)
         VALUES ($1, 'order.created', 'order', gen_random_uuid(), '{"retention":"test"}',
                 now() - $2::interval, now() - $3::interval)`,
        [id, options.createdAgo, options.dispatchedAgo ?? null],
      );
      return id;
    },
    async endpoint(): Promise<string> {
      const [row] = await q<{ id: string }>(
        `INSERT INTO webhook_endpoints (url, event_types, secret, enabled, disabled_at, disabled_reason)
         VALUES ('https://receiver.example/hook', '{order.created}', $1, false, now(), 'retention test')
         RETURNING id`,
        [`whsec_${randomBytes(24).toString('base64')}`],
      );
      return row.id;
    },
    /**
     * A delivery of `eventId` to `endpointId` made `createdAgo` ago, in `status`, its last attempt
     * `lastAttemptAgo` ago (none if absent), with one attempt logged then.
     */
    async delivery(
      eventId: string,
      endpointId: string,
      options: { status: DeliveryStatus; createdAgo: string; lastAttemptAgo?: string },
    ): Promise<string> {
      const [row] = await q<{ id: string }>(
        `INSERT INTO webhook_deliveries (event_id, endpoint_id, event_type, status, attempts,
                                         last_attempt_at, created_at)
         VALUES ($1, $2, 'order.created', $3, CASE WHEN $5::interval IS NULL THEN 0 ELSE 1 END,
                 now() - $5::interval, now() - $4::interval)
         RETURNING id`,
        [eventId, endpointId, options.status, options.createdAgo, options.lastAttemptAgo ?? null],
      );
      if (options.lastAttemptAgo)
        await q(
          `INSERT INTO webhook_delivery_attempts (delivery_id, attempt, started_at, duration_ms, result, status_code)
           VALUES ($1, 1, now() - $2::interval, 12, 'succeeded', 200)`,
          [row.id, options.lastAttemptAgo],
        );
      return row.id;
    },
    /** Attempts logged for these deliveries. */
    async attempts(deliveryIds: string[]): Promise<number> {
      const [row] = await q<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_delivery_attempts WHERE delivery_id = ANY($1::uuid[])`,
        [deliveryIds],
      );
      return row.n;
    },
    /** A password-reset or email-verification token of `userId` that expired `expiredAgo` ago. */
    async token(
      table: 'password_reset_tokens' | 'email_verification_tokens',
      userId: string,
      options: { expiredAgo: string; used?: boolean },
    ): Promise<string> {
      const email = table === 'email_verification_tokens' ? ', email' : '';
      const [row] = await q<{ id: string }>(
        `INSERT INTO ${table} (user_id, token_hash, created_at, expires_at, used_at${email})
         VALUES ($1, $2, now() - $3::interval - interval '1 hour', now() - $3::interval,
                 CASE WHEN $4 THEN now() - $3::interval - interval '30 minutes' END
                 ${email ? ", 'someone@example.test'" : ''})
         RETURNING id`,
        [userId, randomBytes(32), options.expiredAgo, options.used ?? false],
      );
      return row.id;
    },
  };
}
