import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { linkIn, TestMailServer } from '../mail/mail-server.js';
import { ADDRESS, orderBuilders } from '../orders/order-builders.js';
import {
  createTestApp,
  freshIp,
  STRONG_PASSWORD,
  type TestApp,
  type TestUser,
  uniqueEmail,
} from '../support/test-app.js';
import { expectError, expectFieldError } from './helpers.js';

const PUBLIC_URL = 'https://shop.example';
const VERIFY_SUBJECT = /^Confirm your email address/;

describe('email verification', () => {
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

  const verify = (app: TestApp, token: string) =>
    app.http.post('/api/auth/verify-email').send({ token });
  const me = async (app: TestApp, user: TestUser) =>
    (await app.http.get('/api/me').set('Authorization', user.auth).expect(200)).body as {
      emailVerified: boolean;
    };
  const resend = (app: TestApp, user: TestUser) =>
    app.http.post('/api/me/verify-email/resend').set('Authorization', user.auth);
  /** The token of the `count`-th verification email to `email`. */
  const emailedToken = async (email: string, count = 1): Promise<string> =>
    linkIn(await smtp.waitFor(email, VERIFY_SUBJECT, { count }), '/verify-email').token;

  it('emails a link at registration that verifies the address', async () => {
    const user = await t.createUser({ name: 'Grace' });
    expect(await me(t, user)).toMatchObject({ emailVerified: false });
    const mail = await smtp.waitFor(user.email, VERIFY_SUBJECT);
    const { url, token } = linkIn(mail, '/verify-email');
    expect(`${url.origin}${url.pathname}`).toBe(`${PUBLIC_URL}/verify-email`);
    expect(mail.text).toContain(user.email);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/verify-email?token=${token}"`);
    expect((await t.http.get(`${url.pathname}${url.search}`).expect(200)).type).toBe('text/html');

    await verify(t, token).expect(204);
    expect(await me(t, user)).toMatchObject({ emailVerified: true });
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: STRONG_PASSWORD })
      .expect(200);
    expect(login.body.user.emailVerified).toBe(true);
  });

  it('works once, and refuses guesses and expired tokens with one 400', async () => {
    const user = await t.createUser();
    const token = await emailedToken(user.email);
    const hash = createHash('sha256').update(token).digest();
    const [row] = await t.dataSource.query<Array<{ ttl: number }>>(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS ttl
         FROM email_verification_tokens WHERE token_hash = $1`,
      [hash],
    );
    expect(row?.ttl).toBe(48 * 3600);
    for (const guess of [randomBytes(32).toString('base64url'), 'short', token.slice(0, -1)])
      expectFieldError(await verify(t, guess), 'token', 'INVALID_VERIFICATION_TOKEN');
    await t.dataSource.query(
      `UPDATE email_verification_tokens SET expires_at = now() WHERE token_hash = $1`,
      [hash],
    );
    expectFieldError(await verify(t, token), 'token', 'INVALID_VERIFICATION_TOKEN');
    expect(await me(t, user)).toMatchObject({ emailVerified: false });
    await t.dataSource.query(
      `UPDATE email_verification_tokens SET expires_at = now() + interval '1 hour' WHERE token_hash = $1`,
      [hash],
    );
    await verify(t, token).expect(204);
    expectFieldError(await verify(t, token), 'token', 'INVALID_VERIFICATION_TOKEN');
  });

  it('refuses a token sent to an address the account no longer has', async () => {
    const user = await t.createUser();
    const token = await emailedToken(user.email);
    await t.dataSource.query('UPDATE users SET email = $1 WHERE id = $2', [
      uniqueEmail('moved'),
      user.id,
    ]);
    expectFieldError(await verify(t, token), 'token', 'INVALID_VERIFICATION_TOKEN');
    expect(await me(t, user)).toMatchObject({ emailVerified: false });
  });

  it('resends a link on request, and answers 409 once the address is verified', async () => {
    const user = await t.createUser();
    await emailedToken(user.email);
    await resend(t, user).expect(202);
    const second = await emailedToken(user.email, 2);
    await verify(t, second).expect(204);
    expectError(await resend(t, user), 409, 'EMAIL_ALREADY_VERIFIED');
    expectError(await t.http.post('/api/me/verify-email/resend'), 401, 'UNAUTHORIZED');
  });

  it('limits resends per user (PASSWORD_RESET_RATE_LIMIT an hour)', async () => {
    const limited = await createTestApp({
      SMTP_URL: smtp.url,
      PUBLIC_URL,
      PASSWORD_RESET_RATE_LIMIT: '2',
      JOBS_WORKERS: 'false',
    });
    try {
      const user = await limited.createUser();
      await resend(limited, user).expect(202);
      await resend(limited, user).expect(202);
      const res = await resend(limited, user);
      expectError(res, 429, 'RATE_LIMITED');
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(60);
    } finally {
      await limited.close();
    }
  });

  it('does not ask ADMIN_EMAIL to verify: the operator configured it', async () => {
    const email = uniqueEmail('admin');
    const admin = await createTestApp({
      SMTP_URL: smtp.url,
      ADMIN_EMAIL: email,
      ADMIN_PASSWORD: STRONG_PASSWORD,
      JOBS_WORKERS: 'false',
    });
    try {
      const login = await admin.http
        .post('/api/auth/login')
        .set('X-Forwarded-For', freshIp())
        .send({ email, password: STRONG_PASSWORD })
        .expect(200);
      expect(login.body.user).toMatchObject({ role: 'admin', emailVerified: true });
      const [events] = await admin.dataSource.query<Array<{ count: number }>>(
        `SELECT count(*)::int AS count FROM outbox_events
          WHERE type = 'account.email_verification_requested' AND user_id = $1`,
        [login.body.user.id],
      );
      expect(events?.count).toBe(0);
    } finally {
      await admin.close();
    }
  });

  describe('REQUIRE_EMAIL_VERIFICATION=true', () => {
    let strict: TestApp;
    beforeAll(async () => {
      strict = await createTestApp({
        SMTP_URL: smtp.url,
        PUBLIC_URL,
        REQUIRE_EMAIL_VERIFICATION: 'true',
      });
    });
    afterAll(async () => {
      await strict.close();
    });

    it('refuses checkout with 403 EMAIL_NOT_VERIFIED until the address is verified', async () => {
      const b = await orderBuilders(strict);
      const product = await b.product();
      const customer = await strict.createUser();
      await b.addToCart(customer, product.id, 1);
      expectError(await b.checkout(customer), 403, 'EMAIL_NOT_VERIFIED');
      expect(await b.stockOf(product.id)).toBe(10);

      await verify(strict, await emailedToken(customer.email)).expect(204);
      const placed = await b.checkout(customer, { shippingAddress: ADDRESS });
      expect(placed.status).toBe(201);
    });
  });

  it('lets unverified customers check out when not required (the default)', async () => {
    const b = await orderBuilders(t);
    const product = await b.product();
    const customer = await t.createUser();
    await b.addToCart(customer, product.id, 1);
    expect((await b.checkout(customer)).status).toBe(201);
  });
});
