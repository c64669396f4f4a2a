import { describe, expect, it, jest } from '@jest/globals';
import { QueryFailedError } from 'typeorm';
import { withTransactionRetry } from './transaction-retry.js';

/** A failed query as TypeORM reports it: the driver's SQLSTATE is copied onto the error. */
const pgError = (code: string): QueryFailedError =>
  new QueryFailedError('UPDATE …', [], Object.assign(new Error(`sqlstate ${code}`), { code }));

/** Work that fails with `errors`, in turn, then returns `'done'`. */
function failingWith(...errors: unknown[]) {
  let call = 0;
  return jest.fn(async (): Promise<string> => {
    await Promise.resolve(); // a real transaction settles later, never synchronously
    call += 1;
    if (call <= errors.length) throw errors[call - 1];
    return 'done';
  });
}

describe('withTransactionRetry', () => {
  it.each(['40P01', '40001'])(
    'runs the work again after a %s and returns its result',
    async (code) => {
      const work = failingWith(pgError(code), pgError(code));
      await expect(withTransactionRetry(work)).resolves.toBe('done');
      expect(work).toHaveBeenCalledTimes(3);
    },
  );

  it.each(['40P01', '40001'])(
    'gives up after 4 attempts of a lasting %s, rethrowing the last error',
    async (code) => {
      const errors = [pgError(code), pgError(code), pgError(code), pgError(code), pgError(code)];
      const work = failingWith(...errors);
      await expect(withTransactionRetry(work)).rejects.toBe(errors[3]);
      expect(work).toHaveBeenCalledTimes(4);
    },
  );

  it('keeps to the bound it is given', async () => {
    const once = failingWith(pgError('40P01'));
    await expect(withTransactionRetry(once, 1)).rejects.toMatchObject({ code: '40P01' });
    expect(once).toHaveBeenCalledTimes(1);
    const twice = failingWith(pgError('40001'), pgError('40P01'), pgError('40001'));
    await expect(withTransactionRetry(twice, 2)).rejects.toMatchObject({ code: '40P01' });
    expect(twice).toHaveBeenCalledTimes(2);
  });

  it('retries a mix of deadlocks and serialization failures as one budget', async () => {
    const work = failingWith(pgError('40P01'), pgError('40001'), pgError('40P01'));
    await expect(withTransactionRetry(work)).resolves.toBe('done');
    expect(work).toHaveBeenCalledTimes(4);
  });

  it.each([
    ['a unique violation', pgError('23505')],
    ['a check violation', pgError('23514')],
    ['a lock timeout', pgError('55P03')],
    ['another class 40 code', pgError('40002')],
    ['an error without a code', new Error('boom')],
    ['a domain error with a text code', Object.assign(new Error('no'), { code: 'OUT_OF_STOCK' })],
    ['a thrown string', 'plain text'],
    ['a thrown null', null],
    ['a thrown undefined', undefined],
  ])('never retries %s and rethrows it as it is', async (_what, error) => {
    const work = failingWith(error);
    await expect(withTransactionRetry(work)).rejects.toBe(error);
    expect(work).toHaveBeenCalledTimes(1);
  });

  it('rethrows a non-retryable error that follows a retried one, without a further attempt', async () => {
    const unique = pgError('23505');
    const work = failingWith(pgError('40P01'), unique);
    await expect(withTransactionRetry(work)).rejects.toBe(unique);
    expect(work).toHaveBeenCalledTimes(2);
  });
});
