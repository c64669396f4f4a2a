import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { PgError, isPgError } from '@/database/pg-errors.js';
import { IdempotencyInProgressError, IdempotencyKeyReusedError } from './orders.errors.js';

/** How long a replay waits for the first request with its key before answering 409. */
const IDEMPOTENCY_WAIT = '5s';
/** How long an Idempotency-Key replays its first answer (retention never purges it sooner). */
export const IDEMPOTENCY_TTL_HOURS = 24;

/**
 * Whose keys: a signed-in customer's (`idempotency_keys`, per user) or a guest cart's
 * (`guest_idempotency_keys`, per cart). Two fixed tables, never caller text, go into the SQL.
 */
export type IdempotencyScope =
  { table: 'idempotency_keys'; owner: string } | { table: 'guest_idempotency_keys'; owner: string };

const OWNER_COLUMN = { idempotency_keys: 'user_id', guest_idempotency_keys: 'cart_id' } as const;

/** A canonical hash of the request body: key order does not matter. */
export function requestHash(body: object): string {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.keys(value)
            .sort()
            .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
        )
      : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/**
 * Claims the key for this request, or returns the stored answer of the request that claimed
 * it (a key older than IDEMPOTENCY_TTL_HOURS is claimed anew). A concurrent first request
 * holds the key row's lock until it commits: the insert waits (at most IDEMPOTENCY_WAIT, set
 * by the same statement), then sees its outcome. The rest of the checkout waits for its locks
 * as long as any statement may (the pool's `lock_timeout`): the first request must be able to
 * outwait its replays. The same statement puts the pool's value back once it has claimed the
 * key (`RETURNING` runs after the wait); a replay, which claims nothing, puts it back itself.
 */
export async function claimKey<T>(
  manager: EntityManager,
  scope: IdempotencyScope,
  key: string,
  hash: string,
): Promise<T | undefined> {
  const { table } = scope;
  const owner = OWNER_COLUMN[table];
  const claimed = await manager
    .query<unknown[]>(
      `WITH pool AS MATERIALIZED (SELECT current_setting('lock_timeout') AS lock_timeout),
            bound AS MATERIALIZED (SELECT set_config('lock_timeout', '${IDEMPOTENCY_WAIT}', true) FROM pool)
       INSERT INTO ${table} (${owner}, key, request_hash)
       SELECT $1::uuid, $2, $3 FROM bound
       ON CONFLICT (${owner}, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, response_status = NULL, response_body = NULL,
             created_at = now()
         WHERE ${table}.created_at < now() - interval '${IDEMPOTENCY_TTL_HOURS} hours'
       RETURNING set_config('lock_timeout', (SELECT lock_timeout FROM pool), true)`,
      [scope.owner, key, hash],
    )
    .catch((error: unknown) => {
      if (isPgError(error, PgError.LOCK_NOT_AVAILABLE)) throw new IdempotencyInProgressError();
      throw error;
    });
  if (claimed.length > 0) return undefined;
  // A replay claimed nothing, so `RETURNING` did not run: the pool's lock_timeout back.
  await manager.query(`SET LOCAL lock_timeout = DEFAULT`);
  const [existing] = await manager.query<Array<{ request_hash: string; response_body: T }>>(
    `SELECT request_hash, response_body FROM ${table} WHERE ${owner} = $1 AND key = $2`,
    [scope.owner, key],
  );
  if (!existing || existing.request_hash !== hash) throw new IdempotencyKeyReusedError();
  return existing.response_body;
}

/** Stores the answer of the request that claimed the key, in its transaction. */
export async function storeAnswer(
  manager: EntityManager,
  scope: IdempotencyScope,
  key: string,
  body: unknown,
): Promise<void> {
  await manager.query(
    `UPDATE ${scope.table} SET response_status = 201, response_body = $3
      WHERE ${OWNER_COLUMN[scope.table]} = $1 AND key = $2`,
    [scope.owner, key, JSON.stringify(body)],
  );
}
