// The error-shape assertions shared by the catalog and orders suites.
import { STATUS_CODES } from 'node:http';
import { expect } from '@jest/globals';
import type { Response } from 'supertest';

/** The one error body (docs/api/README.md), with the stable `code` the filter adds. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  code: string;
  details?: unknown;
  requestId: string;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Asserts the exact error shape `{statusCode, error, message, code, details?, requestId}` with
 * this status and code: `error` is the reason phrase, `requestId` the `X-Request-Id` header.
 */
export function expectError(res: Response, status: number, code: string): ErrorBody {
  // Status and body together, so a failure shows what the server said.
  expect({ status: res.status, body: res.body as unknown }).toMatchObject({
    status,
    body: { code },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const { details, ...rest } = res.body as ErrorBody;
  expect(rest).toEqual({
    statusCode: status,
    error: STATUS_CODES[status],
    message: expect.stringMatching(/\S/),
    code,
    requestId: res.headers['x-request-id'],
  });
  expect(typeof rest.requestId).toBe('string');
  if (details !== undefined) expect(typeof details).toBe('object');
  return res.body as ErrorBody;
}

/** Asserts a 400 `VALIDATION_FAILED` whose `details` name `field`. */
export function expectFieldError(res: Response, field: string): ErrorBody {
  const body = expectError(res, 400, 'VALIDATION_FAILED');
  expect(body.details).toEqual(
    expect.arrayContaining([{ field, message: expect.stringMatching(/\S/) }]),
  );
  return body;
}
