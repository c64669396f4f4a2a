import type { Response } from 'supertest';

export { type ErrorBody, expectError, expectFieldError, UUID } from '../support/expect-error.js';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The `X-Cache` header of a catalog read: `HIT`, `MISS` or `BYPASS`. */
export const xCache = (res: Response): string | undefined => {
  const value: unknown = res.headers['x-cache'];
  return typeof value === 'string' ? value : undefined;
};
