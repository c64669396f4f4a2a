import { STATUS_CODES } from 'node:http';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';

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
  expected: { email: string; name: string; role?: string },
): void {
  expect(user).toEqual({
    id: expect.stringMatching(UUID),
    email: expected.email,
    name: expected.name,
    role: expected.role ?? 'customer',
    phone: null,
    defaultShippingAddress: null,
    createdAt: expect.stringMatching(ISO_DATE),
  });
}

export const bearer = (accessToken: string): string => `Bearer ${accessToken}`;
