/**
 * OWASP API2 / API4: password guessing is limited by AUTH_RATE_LIMIT.
 *
 * The basic limits are in test/accounts/rate-limit.e2e-spec.ts (429 with Retry-After on the 4th
 * login, even the right password refused once spent, per email across addresses, register and
 * refresh limits, X-Forwarded-For ignored without TRUST_PROXY). Here: the limits under a burst
 * of concurrent guesses, and an email budget that spelling variants of the address cannot dodge.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, freshIp, type TestApp, type TestUser } from '../support/test-app.js';
import { expectErrorShape } from './security-support.js';

/** Budgets are shared through Redis when REDIS_URL is set: each test is its own client address. */
const LIMIT = 5;

describe('brute-force limits on login', () => {
  let t: TestApp;
  let victim: TestUser;

  beforeAll(async () => {
    t = await createTestApp({ AUTH_RATE_LIMIT: String(LIMIT), TRUST_PROXY: '1' });
    const registered = await t.http
      .post('/api/auth/register')
      .set('X-Forwarded-For', freshIp())
      .send({
        email: `victim-${randomBytes(4).toString('hex')}@example.test`,
        password: 'Victim-pass-123',
        name: 'Victim',
      })
      .expect(201);
    victim = {
      ...(registered.body.user as TestUser),
      password: 'Victim-pass-123',
      accessToken: registered.body.accessToken,
      refreshToken: registered.body.refreshToken,
      auth: `Bearer ${registered.body.accessToken}`,
    };
  });
  afterAll(async () => {
    await t.close();
  });

  const guess = (ip: string, email: string, password: string) =>
    t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  it(`lets exactly ${LIMIT} of 20 simultaneous guesses from one address through`, async () => {
    const ip = freshIp();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        guess(ip, `nobody-${i}-${randomBytes(3).toString('hex')}@example.test`, 'Guess-123'),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20 - LIMIT);
    for (const res of results.filter((r) => r.status === 429)) {
      expectErrorShape(res, 429, 'RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    }
  });

  it('counts case and whitespace variants of one email against one budget, from any address', async () => {
    const variants = [
      victim.email,
      victim.email.toUpperCase(),
      `  ${victim.email}`,
      `${victim.email}\t`,
      victim.email.replace(/^./, (c) => c.toUpperCase()),
    ];
    for (const email of variants) {
      expectErrorShape(await guess(freshIp(), email, 'Wrong-guess-1'), 401, 'INVALID_CREDENTIALS');
    }
    // The budget of the address is spent, whichever way it is written and wherever from.
    for (const email of [victim.email, victim.email.toUpperCase(), ` ${victim.email} `]) {
      expectErrorShape(await guess(freshIp(), email, victim.password), 429, 'RATE_LIMITED');
    }
  });

  it('answers a limited guess without checking the password (same answer for right and wrong)', async () => {
    const ip = freshIp();
    for (let i = 0; i < LIMIT; i += 1) await guess(ip, `x${i}@example.test`, 'Nope-1234');
    const wrong = await guess(ip, 'someone@example.test', 'Wrong-1234');
    const right = await guess(ip, 'someone@example.test', 'Right-1234');
    expect([wrong.status, right.status]).toEqual([429, 429]);
    expect({ ...wrong.body, requestId: 0 }).toEqual({ ...right.body, requestId: 0 });
  });
});
