import { afterEach, describe, expect, it } from '@jest/globals';
import { REDIS_CLIENT, type RedisClient } from '@/redis/redis.module.js';
import {
  createTestApp,
  freshIp,
  STRONG_PASSWORD,
  type TestApp,
  uniqueEmail,
} from '../support/test-app.js';
import { expectError } from './helpers.js';

/**
 * With REDIS_URL the budgets live in Redis, shared by every app of every run for a minute. So
 * each test is its own client: TRUST_PROXY is on and it sends a fresh X-Forwarded-For address.
 */
const WRONG_PASSWORD = 'Wrong-password-1';

describe('auth rate limits', () => {
  const apps: TestApp[] = [];
  const startApp = async (env: Record<string, string>): Promise<TestApp> => {
    const t = await createTestApp(env);
    apps.push(t);
    return t;
  };
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });

  /** Like `createUser`, but from a fresh address: 127.0.0.1's budget is shared through Redis. */
  const registerUser = async (t: TestApp) => {
    const email = uniqueEmail();
    const res = await t.http
      .post('/api/auth/register')
      .set('X-Forwarded-For', freshIp())
      .send({ email, password: STRONG_PASSWORD, name: 'Limited' })
      .expect(201);
    const session = res.body as { accessToken: string; refreshToken: string };
    return {
      email,
      password: STRONG_PASSWORD,
      refreshToken: session.refreshToken,
      auth: `Bearer ${session.accessToken}`,
    };
  };

  const login = (t: TestApp, ip: string, email: string, password = WRONG_PASSWORD) =>
    t.http.post('/api/auth/login').set('X-Forwarded-For', ip).send({ email, password });

  const expectRateLimited = (res: Parameters<typeof expectError>[0]): void => {
    const body = expectError(res, 429, 'RATE_LIMITED');
    expect(body.error).toBe('Too Many Requests');
    const retryAfter = Number(res.headers['retry-after']);
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
  };

  it('answers the 4th login from one client within a minute with 429 and Retry-After', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) {
      expectError(await login(t, ip, uniqueEmail('nobody')), 401, 'INVALID_CREDENTIALS');
    }
    expectRateLimited(await login(t, ip, uniqueEmail('nobody')));
  });

  it('counts failed logins, so even the right password is refused once the budget is spent', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) await login(t, ip, user.email).expect(401);
    expectRateLimited(await login(t, ip, user.email, user.password));
  });

  it('limits logins to one email across client addresses', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    for (let i = 0; i < 3; i += 1) await login(t, freshIp(), user.email.toUpperCase()).expect(401);
    const lastIp = freshIp();
    expectRateLimited(await login(t, lastIp, ` ${user.email} `, user.password));
    // The address itself still has budget for another account.
    const other = await registerUser(t);
    await login(t, lastIp, other.email, other.password).expect(200);
  });

  it('keeps other clients unaffected when one has spent its budget', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    const noisy = freshIp();
    for (let i = 0; i < 3; i += 1) await login(t, noisy, uniqueEmail('nobody')).expect(401);
    await login(t, noisy, uniqueEmail('nobody')).expect(429);
    await login(t, freshIp(), user.email, user.password).expect(200);
  });

  it('limits registrations per client address and creates nothing when limited', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const ip = freshIp();
    const register = (email: string) =>
      t.http
        .post('/api/auth/register')
        .set('X-Forwarded-For', ip)
        .send({ email, password: STRONG_PASSWORD, name: 'Bulk' });
    for (let i = 0; i < 3; i += 1) await register(uniqueEmail('bulk')).expect(201);
    const email = uniqueEmail('bulk');
    expectRateLimited(await register(email));
    const rows = await t.dataSource.query<unknown[]>(
      'SELECT 1 FROM users WHERE lower(email) = lower($1)',
      [email],
    );
    expect(rows).toHaveLength(0);
  });

  it('limits refreshToken per client address', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const ip = freshIp();
    const refresh = (refreshToken: string) =>
      t.http.post('/api/auth/refresh').set('X-Forwarded-For', ip).send({ refreshToken });
    const user = await registerUser(t);
    let token = user.refreshToken;
    for (let i = 0; i < 3; i += 1) {
      token = ((await refresh(token).expect(200)).body as { refreshToken: string }).refreshToken;
    }
    expectRateLimited(await refresh(token));
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on, so a spoofed header does not dodge the limit', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3' });
    // Every request of this app counts against 127.0.0.1: start from an empty budget.
    const redis = t.app.get<RedisClient | null>(REDIS_CLIENT);
    await redis?.del('ratelimit:auth:ip:127.0.0.1');
    try {
      for (let i = 0; i < 3; i += 1) await login(t, freshIp(), uniqueEmail('nobody')).expect(401);
      expectRateLimited(await login(t, freshIp(), uniqueEmail('nobody')));
    } finally {
      await redis?.del('ratelimit:auth:ip:127.0.0.1');
    }
  });

  it('limits password changes per signed-in user, whatever address they come from', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    const other = await registerUser(t);
    const change = (who: { auth: string }, currentPassword: string) =>
      t.http
        .post('/api/me/password')
        .set('Authorization', who.auth)
        .set('X-Forwarded-For', freshIp())
        .send({ currentPassword, newPassword: 'An0ther-strong-pass' });
    for (let i = 0; i < 3; i += 1) expect((await change(user, WRONG_PASSWORD)).status).toBe(400);
    // Spent: even the right current password is refused for this minute.
    expectRateLimited(await change(user, user.password));
    // Another account has a budget of its own.
    expect((await change(other, other.password)).status).toBe(204);
  });

  it('limits coupon checks per signed-in user, so codes cannot be guessed in bulk', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    const validate = (code: string) =>
      t.http
        .post('/api/cart/coupon/validate')
        .set('Authorization', user.auth)
        .set('X-Forwarded-For', freshIp())
        .send({ code });
    for (let i = 0; i < 3; i += 1) {
      const res = await validate(`GUESS${i}`);
      expect(res.status).not.toBe(429);
      expect(res.status).toBeLessThan(500);
    }
    expectRateLimited(await validate('GUESS3'));
  });

  it('counts checkouts that carry a coupon code against the same budget, and only those', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    const validate = (code: string) =>
      t.http.post('/api/cart/coupon/validate').set('Authorization', user.auth).send({ code });
    const checkout = (body: object) =>
      t.http.post('/api/orders').set('Authorization', user.auth).send(body);
    // An empty cart: every checkout is refused, so only the limit decides between 400 and 429.
    for (let i = 0; i < 2; i += 1) expect((await validate(`GUESS${i}`)).status).not.toBe(429);
    expect((await checkout({ couponCode: 'GUESS2' })).status).not.toBe(429);
    // Spent across both routes: guessing through checkout is limited too.
    expectRateLimited(await checkout({ couponCode: 'GUESS3' }));
    expectRateLimited(await validate('GUESS4'));
    // A checkout without a coupon is never limited.
    for (let i = 0; i < 4; i += 1) expect((await checkout({})).status).not.toBe(429);
  });

  it('turns limiting off with AUTH_RATE_LIMIT 0', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '0', TRUST_PROXY: '1' });
    const user = await registerUser(t);
    const ip = freshIp();
    // The limit is checked before the body is validated, so cheap invalid logins count too: more
    // than the default budget (20) of them, then failed and successful logins, none limited.
    for (let i = 0; i < 21; i += 1) {
      expectError(await login(t, ip, user.email, ''), 400, 'VALIDATION_FAILED');
    }
    for (let i = 0; i < 4; i += 1) {
      expectError(await login(t, ip, user.email), 401, 'INVALID_CREDENTIALS');
    }
    await login(t, ip, user.email, user.password).expect(200);
  });

  it('counts requests with an invalid body against the budget', async () => {
    const t = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
    const ip = freshIp();
    for (let i = 0; i < 3; i += 1) await login(t, ip, uniqueEmail('nobody'), '').expect(400);
    expectRateLimited(await login(t, ip, uniqueEmail('nobody'), ''));
  });

  (process.env.REDIS_URL ? it : it.skip)(
    'shares one budget between instances through Redis',
    async () => {
      const a = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
      const b = await startApp({ AUTH_RATE_LIMIT: '3', TRUST_PROXY: '1' });
      const ip = freshIp();
      await login(a, ip, uniqueEmail('nobody')).expect(401);
      await login(b, ip, uniqueEmail('nobody')).expect(401);
      await login(a, ip, uniqueEmail('nobody')).expect(401);
      expectRateLimited(await login(b, ip, uniqueEmail('nobody')));
    },
  );
});
