import { randomBytes, randomUUID } from 'node:crypto';
import { rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RetentionService } from '@/retention/retention.service.js';
import type { PurgeCounts } from '@/retention/retention.metrics.js';
import { tempMediaDir } from '../media/media-support.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** An app whose purges walk a media directory of its own (never the repository's .data/media). */
export async function retentionApp(
  env: Record<string, string> = {},
): Promise<TestApp & { mediaDir: string }> {
  const mediaDir = tempMediaDir();
  const t = await createTestApp({ MEDIA_DIR: mediaDir, ...env });
  const close = async (): Promise<void> => {
    await t.close();
    await rm(mediaDir, { recursive: true, force: true });
  };
  return { ...t, close, mediaDir };
}

/** One purge run of `t`, which must not have been skipped (no other run holds the lock). */
export async function purge(t: TestApp): Promise<PurgeCounts> {
  const counts = await t.app.get(RetentionService).purgeOnce();
  if (!counts) throw new Error('the purge was skipped: another run held the lock');
  return counts;
}

/** A PostgreSQL interval a minute beyond `age`: just old enough to go. */
export const older = (age: string): string => `${age} 1 minute`;
/** A PostgreSQL interval a minute short of `age`: just young enough to stay. */
export const younger = (age: string): string => `${age} -1 minute`;

/** Rows written with SQL, their timestamps set directly (`ago` is a PostgreSQL interval). */
export function retentionRows(t: TestApp) {
  return {
    /** A refresh token that expired `expiredAgo` ago (else expires in 30 days), maybe revoked. */
    async refreshToken(
      userId: string,
      options: { expiredAgo?: string; revokedAgo?: string } = {},
    ): Promise<string> {
      const [row] = await t.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO refresh_tokens (user_id, family_id, secret_hash, expires_at, revoked_at)
         VALUES ($1, gen_random_uuid(), '\\x00', now() - coalesce($2::interval, interval '-30 days'),
                 now() - $3::interval)
         RETURNING id`,
        [userId, options.expiredAgo ?? null, options.revokedAgo ?? null],
      );
      return row.id;
    },
    async idempotencyKey(userId: string, ago: string): Promise<string> {
      const key = randomUUID();
      await t.dataSource.query(
        `INSERT INTO idempotency_keys (user_id, key, request_hash, response_status, response_body, created_at)
         VALUES ($1, $2, repeat('0', 64), 201, '{"order":"answer"}', now() - $3::interval)`,
        [userId, key, ago],
      );
      return key;
    },
    async notification(userId: string, options: { ago: string; read: boolean }): Promise<string> {
      const [row] = await t.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO notifications (user_id, type, title, message, created_at, read_at)
         VALUES ($1, 'order_status_update', 'Order shipped', 'On its way',
                 now() - $2::interval, CASE WHEN $3 THEN now() - $2::interval END)
         RETURNING id`,
        [userId, options.ago, options.read],
      );
      return row.id;
    },
    /** Makes a guest cart look last used `ago` (its expiry slides 30 days from each use). */
    async lastUsed(cartId: string, ago: string): Promise<void> {
      await t.dataSource.query(
        `UPDATE carts SET updated_at = now() - $2::interval,
                          expires_at = now() - $2::interval + interval '30 days'
          WHERE id = $1`,
        [cartId, ago],
      );
    },
    /** Which of `ids` are still in `table` (by its `id` column). */
    async remaining(table: string, ids: string[]): Promise<string[]> {
      const rows = await t.dataSource.query<Array<{ id: string }>>(
        `SELECT id FROM ${table} WHERE id = ANY($1::uuid[])`,
        [ids],
      );
      return rows.map((r) => r.id).sort();
    },
    async remainingKeys(userId: string, keys: string[]): Promise<string[]> {
      const rows = await t.dataSource.query<Array<{ key: string }>>(
        `SELECT key FROM idempotency_keys WHERE user_id = $1 AND key = ANY($2::text[])`,
        [userId, keys],
      );
      return rows.map((r) => r.key).sort();
    },
  };
}

/** A new media key (the storage's shape: 32 hex and the extension). */
export const mediaKey = (): string => `${randomBytes(16).toString('hex')}.png`;

/** Writes a file into the media directory, last modified `ageMs` ago. */
export async function mediaFile(dir: string, name: string, ageMs: number): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, 'not really a picture');
  const when = new Date(Date.now() - ageMs);
  await utimes(path, when, when);
  return name;
}

/** The value of `retention_purged_total` for `kind` in the app's /metrics (0 when absent). */
export async function purgedMetric(t: TestApp, kind: string): Promise<number> {
  const res = await t.http.get('/metrics').expect(200);
  const line = new RegExp(`^retention_purged_total\\{kind="${kind}"\\} (\\d+)$`, 'm').exec(
    res.text,
  );
  return Number(line?.[1] ?? 0);
}

/** Waits until `check` holds (a scheduled run is not awaited by anyone). */
export async function eventually(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
