import { describe, expect, it } from '@jest/globals';
import { mayBeStaff } from './auth.js';

const token = (claims: unknown): string =>
  `Bearer ${[{ alg: 'HS256', typ: 'JWT' }, claims]
    .map((part) => Buffer.from(JSON.stringify(part)).toString('base64url'))
    .join('.')}.c2ln`;

describe('mayBeStaff: can this Authorization header change a public catalog answer?', () => {
  it('no: no header, or a bearer JWT claiming a customer (valid or not, the answer is public)', () => {
    expect(mayBeStaff(undefined)).toBe(false);
    expect(mayBeStaff(token({ sub: 'u', role: 'customer' }))).toBe(false);
    expect(mayBeStaff(token({ sub: 'u', role: 'customer' }).replace('Bearer', 'bearer'))).toBe(
      false,
    );
  });

  it('yes: a staff or admin claim, which only Nest can verify', () => {
    expect(mayBeStaff(token({ role: 'staff' }))).toBe(true);
    expect(mayBeStaff(token({ role: 'admin' }))).toBe(true);
  });

  it('yes (Nest decides) for anything it cannot read', () => {
    for (const header of [
      '',
      'Bearer',
      'Bearer not-a-token',
      'Basic dXNlcjpwYXNz',
      `Bearer a.${Buffer.from('not json').toString('base64url')}.c`,
      token({ sub: 'u' }),
      token({ role: 7 }),
      token('customer'),
      token(null),
      `${token({ role: 'customer' })} trailing`,
    ])
      expect([header, mayBeStaff(header)]).toEqual([header, true]);
  });
});
