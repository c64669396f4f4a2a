import { beforeAll, describe, expect, it } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { QueryFailedError } from 'typeorm';
import { toErrorBody } from './error-response.js';

/** A driver error as TypeORM throws it: the PostgreSQL SQLSTATE on `code`. */
const pgError = (code: string, message: string): QueryFailedError =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error(message), { code }));

describe('toErrorBody', () => {
  beforeAll(() => Logger.overrideLogger(false)); // the warnings each case logs are expected

  it.each([
    ['55P03', 'canceling statement due to lock timeout'],
    ['57014', 'canceling statement due to statement timeout'],
    ['57P01', 'terminating connection due to administrator command'],
    ['08006', 'connection failure'],
  ])('answers %s (%s) with a 503 to retry, not a 500', (code, message) => {
    const body = toErrorBody(pgError(code, message), 'req-1');
    expect(body).toMatchObject({
      statusCode: 503,
      code: 'SERVICE_UNAVAILABLE',
      requestId: 'req-1',
    });
    expect(JSON.stringify(body)).not.toContain(message); // no driver text in the answer
  });

  it('answers any other database error with a 500 that says nothing of it', () => {
    const body = toErrorBody(pgError('42P01', 'relation "secret_table" does not exist'), 'r');
    expect(body).toMatchObject({ statusCode: 500, code: 'INTERNAL_ERROR' });
    expect(JSON.stringify(body)).not.toContain('secret_table');
  });
});
