import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { linkIn, TestMailServer } from '../mail/mail-server.js';
import {
  createTestApp,
  freshIp,
  JOBS_SCHEMA,
  STRONG_PASSWORD,
  type TestApp,
  uniqueEmail,
} from '../support/test-app.js';
import { expectError, expectFieldError } from './helpers.js';

const NEW_PASSWORD = 'Brand-new-pass-7';
const PUBLIC_URL = 'https://shop.example';
const RESET_SUBJECT = /^Reset your .* password$/;

describe('password reset', () => {
  const smtp = new TestMailServer();
  let t: TestApp;
  beforeAll(async () => {
    await smtp.start();
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL });
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  const requestReset = (email: string) => t.http.post('/api/auth/password-reset').send({ email });
  const confirm = (token: string, newPassword = NEW_PASSWORD) =>
    t.http.post('/api/auth/password-reset/confirm').send({ token, newPassword });
  const login = (email: string, password: string) =>
    t.http.post('/api/auth/login').send({ email, password });

  /** Asks for a reset of `email` and answers the token of the link that arrives by email. */
  const resetToken = async (email: string, count = 1): Promise<string> => {
    await requestReset(email).expect(202);
    return linkIn(await smtp.waitFor(email, RESET_SUBJECT, { count }), '/reset-password').token;
  };

  it('answers 202 with the same empty body whether or not an account has the address', async () => {
    const user = await t.createUser();
    const known = await requestReset(user.email);
    const unknown = await requestReset(uniqueEmail('nobody'));
    expect([known.status, known.text]).toEqual([202, '']);
    expect([unknown.status, unknown.text]).toEqual([202, '']);
    expect(Object.keys(unknown.headers).sort()).toEqual(Object.keys(known.headers).sort());
  });

  it('emails a link to PUBLIC_URL/reset-password that works, in text and HTML', async () => {
    const user = await t.createUser({ name: 'Ada <Lovelace>' });
    // Any case: the address is matched as registration does.
    await requestReset(user.email.toUpperCase()).expect(202);
    const mail = await smtp.waitFor(user.email, RESET_SUBJECT);
    const { url, token } = linkIn(mail, '/reset-password');
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/reset-password`);
    expect(token).toMatch(/^[\w-]{43}$/);
    expect(mail.text).toContain('Hello Ada <Lovelace>');
    expect(mail.html).toContain(`href="${PUBLIC_URL}/reset-password?token=${token}"`);
    expect(mail.html).toContain('Hello Ada &lt;Lovelace&gt;');
    expect(mail.text).toMatch(/works once, for 1 hour/);
    // The page the link opens (the demo serves it when the link points at this server).
    const page = await t.http.get(`${url.pathname}${url.search}`).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);

    await confirm(token).expect(204);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    expectError(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
  });

  it('sends nothing to an address without an account', async () => {
    const stranger = uniqueEmail('stranger');
    const user = await t.createUser();
    await requestReset(stranger).expect(202);
    await requestReset(user.email).expect(202);
    // The second request's email arrived: the first one (dispatched before it) sent nothing.
    await smtp.waitFor(user.email, RESET_SUBJECT);
    expect(smtp.to(stranger)).toEqual([]);
  });

  it('works once: the same token again is a 400', async () => {
    const user = await t.createUser();
    const token = await resetToken(user.email);
    await confirm(token).expect(204);
    expectFieldError(await confirm(token, 'Yet-another-pass-9'), 'token', 'INVALID_RESET_TOKEN');
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('ends every session: refresh tokens are revoked', async () => {
    const user = await t.createUser();
    const other = await login(user.email, user.password).expect(200);
    await confirm(await resetToken(user.email)).expect(204);
    for (const refreshToken of [user.refreshToken, other.body.refreshToken as string])
      expectError(
        await t.http.post('/api/auth/refresh').send({ refreshToken }),
        401,
        'INVALID_REFRESH_TOKEN',
      );
  });

  it('refuses an expired token, and lasts PASSWORD_RESET_TTL (1 hour) from the email', async () => {
    const user = await t.createUser();
    const token = await resetToken(user.email);
    const hash = createHash('sha256').update(token).digest();
    const [row] = await t.dataSource.query<Array<{ ttl: number }>>(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl
         FROM password_reset_tokens WHERE token_hash = $1`,
      [hash],
    );
    expect(row?.ttl).toBe(3600);
    await t.dataSource.query(
      `UPDATE password_reset_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
      [hash],
    );
    expectFieldError(await confirm(token), 'token', 'INVALID_RESET_TOKEN');
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it.each([
    ['a random token of the right shape', randomBytes(32).toString('base64url')],
    ['a short guess', 'abc123'],
    ['a token with a character changed', 'x'],
  ])('refuses %s with the same 400', async (_, guess) => {
    const user = await t.createUser();
    const token = await resetToken(user.email);
    const attempt = guess === 'x' ? `${token[0] === 'A' ? 'B' : 'A'}${token.slice(1)}` : guess;
    expectFieldError(await confirm(attempt), 'token', 'INVALID_RESET_TOKEN');
    expect((await login(user.email, user.password)).status).toBe(200);
  });

  it('keeps the token usable when the new password is too weak', async () => {
    const user = await t.createUser();
    const token = await resetToken(user.email);
    expectFieldError(await confirm(token, 'short'), 'newPassword', 'WEAK_PASSWORD');
    expectFieldError(await confirm(token, user.email), 'newPassword', 'WEAK_PASSWORD');
    await confirm(token).expect(204);
  });

  it('kills the other reset links of the account once one is used', async () => {
    const user = await t.createUser();
    const first = await resetToken(user.email, 1);
    const second = await resetToken(user.email, 2);
    expect(second).not.toBe(first);
    await confirm(second).expect(204);
    expectFieldError(await confirm(first), 'token', 'INVALID_RESET_TOKEN');
  });

  it('stores only a hash of the token: not in its table, the outbox or the job queue', async () => {
    const user = await t.createUser();
    const token = await resetToken(user.email);
    const [stored] = await t.dataSource.query<Array<{ token_hash: Buffer }>>(
      `SELECT t.token_hash FROM password_reset_tokens t WHERE t.user_id = $1`,
      [user.id],
    );
    expect(stored?.token_hash.equals(createHash('sha256').update(token).digest())).toBe(true);
    const [found] = await t.dataSource.query<Array<{ rows: number }>>(
      `SELECT (SELECT count(*) FROM outbox_events WHERE payload::text LIKE '%' || $1 || '%')
            + (SELECT count(*) FROM ${JOBS_SCHEMA}.job WHERE data::text LIKE '%' || $1 || '%')
            + (SELECT count(*) FROM password_reset_tokens
                WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%') AS rows`,
      [token],
    );
    expect(Number(found?.rows)).toBe(0);
  });

  it('marks the address verified: the link proved the user reads it', async () => {
    const user = await t.createUser();
    const me = () => t.http.get('/api/me').set('Authorization', user.auth);
    expect((await me().expect(200)).body.emailVerified).toBe(false);
    await confirm(await resetToken(user.email)).expect(204);
    const session = await login(user.email, NEW_PASSWORD).expect(200);
    expect(session.body.user.emailVerified).toBe(true);
  });

  it('emails "your password was changed" after a reset and after a change', async () => {
    const user = await t.createUser();
    await confirm(await resetToken(user.email)).expect(204);
    const changed = await smtp.waitFor(user.email, /password was changed/);
    expect(changed.text).toContain('every session was signed out');
    expect(changed.text).toContain(`${PUBLIC_URL}/reset-password`);

    const other = await t.createUser();
    await t.http
      .post('/api/me/password')
      .set('Authorization', other.auth)
      .send({ currentPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD })
      .expect(204);
    await smtp.waitFor(other.email, /password was changed/);
  });

  it('answers 400 to a body without token or password', async () => {
    expectFieldError(await t.http.post('/api/auth/password-reset/confirm').send({}), 'token');
    expectFieldError(await t.http.post('/api/auth/password-reset').send({}), 'email');
    expectFieldError(
      await t.http.post('/api/auth/password-reset').send({ email: 'not-an-email' }),
      'email',
    );
  });

  describe('rate limits (PASSWORD_RESET_RATE_LIMIT=2 an hour)', () => {
    let limited: TestApp;
    beforeAll(async () => {
      // Enqueues only: the suite's app sends the emails, to the test's SMTP server.
      limited = await createTestApp({
        SMTP_URL: smtp.url,
        PASSWORD_RESET_RATE_LIMIT: '2',
        TRUST_PROXY: '1',
        JOBS_WORKERS: 'false',
      });
    });
    afterAll(async () => {
      await limited.close();
    });

    const requestFrom = (ip: string, email: string) =>
      limited.http.post('/api/auth/password-reset').set('X-Forwarded-For', ip).send({ email });
    const expectLimited = (res: Awaited<ReturnType<typeof requestFrom>>): void => {
      expectError(res, 429, 'RATE_LIMITED');
      const retryAfter = Number(res.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(60);
      expect(retryAfter).toBeLessThanOrEqual(3600);
    };

    it.each([
      ['an account', true],
      ['no account (the same answers: the limit reveals nothing)', false],
    ])('limits requests for one address with %s, from any client', async (_, exists) => {
      const email = exists ? (await limited.createUser()).email : uniqueEmail('nobody');
      await requestFrom(freshIp(), email).expect(202);
      await requestFrom(freshIp(), email.toUpperCase()).expect(202);
      expectLimited(await requestFrom(freshIp(), email));
    });

    it('limits requests from one client, whatever the addresses', async () => {
      const ip = freshIp();
      await requestFrom(ip, uniqueEmail()).expect(202);
      await requestFrom(ip, uniqueEmail()).expect(202);
      expectLimited(await requestFrom(ip, uniqueEmail()));
      await requestFrom(freshIp(), uniqueEmail()).expect(202);
    });
  });
});
