import { createHash, randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';
import type { DataSource } from 'typeorm';

/** The one error body of API.md. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: Array<{ field: string; message: string }>;
  requestId: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/**
 * Asserts `res` is the one error shape with this status and code, and nothing else: `error` is
 * the reason phrase, `message` a non-empty string, `requestId` the `X-Request-Id` header.
 */
export function expectError(res: Response, status: number, code: string): ErrorBody {
  // Status and body together, so a failure shows what the server said.
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({
    status,
    body: { code },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = res.body as ErrorBody;
  const { details, ...rest } = body;
  expect(rest).toEqual({
    statusCode: status,
    error: STATUS_CODES[status],
    message: expect.any(String),
    code,
    requestId: res.headers['x-request-id'],
  });
  expect(body.message.length).toBeGreaterThan(0);
  expect(typeof body.requestId).toBe('string');
  expect(body.requestId.length).toBeGreaterThan(0);
  if (details !== undefined)
    expect(Array.isArray(details) || typeof details === 'object').toBe(true);
  return body;
}

/** Asserts a 400 whose `details` name `field` (with a message). */
export function expectFieldError(
  res: Response,
  field: string,
  code = 'VALIDATION_FAILED',
): ErrorBody {
  const body = expectError(res, 400, code);
  expect(body.details).toEqual(
    expect.arrayContaining([{ field, message: expect.stringMatching(/\S/) }]),
  );
  return body;
}

/** The exact public shape of a user (no password hash or other internals). */
export function expectUserShape(
  user: unknown,
  expected: { email: string; name: string; role?: string; emailVerified?: boolean },
): void {
  expect(user).toEqual({
    id: expect.stringMatching(UUID),
    email: expected.email,
    name: expected.name,
    role: expected.role ?? 'customer',
    emailVerified: expected.emailVerified ?? false,
    phone: null,
    defaultShippingAddress: null,
    createdAt: expect.stringMatching(ISO_DATE),
  });
}

export const bearer = (accessToken: string): string => `Bearer ${accessToken}`;

/**
 * Plays a refresh caught mid-flight with `refreshToken`: its row locked and the next token of
 * its family issued, not yet committed (what `rotate` does inside its transaction). `issued` is
 * that next token; `settle()` waits until another statement is queued behind the lock, then
 * commits, as the refresh would.
 */
export async function refreshInFlight(
  dataSource: DataSource,
  refreshToken: string,
): Promise<{ issued: string; settle(): Promise<void> }> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  const [spent] = (await runner.query(
    'SELECT user_id, family_id FROM refresh_tokens WHERE id = $1 FOR UPDATE',
    [refreshToken.split('.')[0]],
  )) as Array<{ user_id: string; family_id: string }>;
  const secret = randomBytes(32).toString('base64url');
  const [next] = (await runner.query(
    `INSERT INTO refresh_tokens (user_id, family_id, secret_hash, expires_at)
     VALUES ($1, $2, $3, now() + interval '1 day') RETURNING id`,
    [spent?.user_id, spent?.family_id, createHash('sha256').update(secret).digest()],
  )) as Array<{ id: string }>;
  const queuedBehind = async (): Promise<boolean> => {
    const [row] = await dataSource.query<Array<{ waiting: number }>>(
      `SELECT count(*)::int AS waiting FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    return (row?.waiting ?? 0) > 0;
  };
  const settle = async (): Promise<void> => {
    try {
      const deadline = Date.now() + 10_000;
      while (!(await queuedBehind())) {
        if (Date.now() > deadline) throw new Error('nothing queued behind the refresh in flight');
        await sleep(20);
      }
      await runner.commitTransaction();
    } catch (error) {
      await runner.rollbackTransaction();
      throw error;
    } finally {
      await runner.release();
    }
  };
  return { issued: `${next?.id}.${secret}`, settle };
}
