import { describe, expect, it } from '@jest/globals';
import { parseDuration } from './env-reader.js';

describe('parseDuration', () => {
  it.each([
    ['900', 900],
    ['30s', 30],
    ['15m', 900],
    ['12h', 43_200],
    ['30d', 2_592_000],
  ])('reads %s as %i seconds', (value, seconds) => {
    expect(parseDuration(value)).toBe(seconds);
  });

  it.each(['0', '0m', '-5', '15 minutes', '1.5h', '15M', '', '99999999999999999d'])(
    'rejects %j',
    (value) => {
      expect(parseDuration(value)).toBeUndefined();
    },
  );
});
