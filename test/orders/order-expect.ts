import { expect } from '@jest/globals';
import type { Response } from 'supertest';

export { type ErrorBody, expectError, expectFieldError, UUID } from '../support/expect-error.js';

export const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** Asserts a success status, showing the body when it is not. */
export function expectStatus(res: Response, status: number): void {
  // toEqual prints the whole body beside the status in a failure's diff.
  expect({ status: res.status, body: res.body as unknown }).toEqual({ status, body: res.body });
}
