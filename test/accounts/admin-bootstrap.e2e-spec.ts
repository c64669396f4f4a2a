import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';
import { expectError } from './helpers.js';

const ADMIN_PASSWORD = 'Adm1n-bootstrap-pass';

describe('ADMIN_EMAIL / ADMIN_PASSWORD bootstrap', () => {
  const apps: TestApp[] = [];
  const startApp = async (env: Record<string, string> = {}): Promise<TestApp> => {
    const t = await createTestApp(env);
    apps.push(t);
    return t;
  };
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(apps.splice(0).map((t) => t.close()));
  });
  /** Warnings logged through Nest's Logger (the apps log nothing at LOG_LEVEL=silent). */
  const captureWarnings = (): string[] => {
    const warnings: string[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => {
      warnings.push(String(message));
    });
    return warnings;
  };
  const refusalsFor = (warnings: string[], email: string) =>
    warnings.filter((w) => w.toLowerCase().includes(`admin_email ${email.toLowerCase()}:`));

  const login = (t: TestApp, email: string, password: string) =>
    t.http.post('/api/auth/login').send({ email, password });
  const usersWithEmail = (t: TestApp, email: string) =>
    t.dataSource.query<Array<{ role: string }>>(
      'SELECT role FROM users WHERE lower(email) = lower($1)',
      [email],
    );

  it('creates an admin who can log in and list users', async () => {
    const email = uniqueEmail('admin');
    const t = await startApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD });
    const session = await login(t, email, ADMIN_PASSWORD).expect(200);
    expect(session.body.user).toMatchObject({ email, role: 'admin' });
    const res = await t.http
      .get('/api/users')
      .query({ q: email })
      .set('Authorization', `Bearer ${session.body.accessToken}`)
      .expect(200);
    expect(res.body).toMatchObject({ total: 1, items: [{ email, role: 'admin' }] });
  });

  it('is idempotent: a second start with the same env keeps one admin and the password', async () => {
    const email = uniqueEmail('admin');
    const env = { ADMIN_EMAIL: email, ADMIN_PASSWORD };
    const first = await startApp(env);
    const second = await startApp(env);
    expect(await usersWithEmail(second, email)).toEqual([{ role: 'admin' }]);
    await login(second, email, ADMIN_PASSWORD).expect(200);
    await login(first, email, ADMIN_PASSWORD).expect(200);
  });

  it('starts cleanly when several instances boot at once', async () => {
    const email = uniqueEmail('admin');
    const env = { ADMIN_EMAIL: email, ADMIN_PASSWORD };
    const started = await Promise.all([startApp(env), startApp(env), startApp(env)]);
    expect(await usersWithEmail(started[0], email)).toEqual([{ role: 'admin' }]);
  });

  it('does not reset the password of an existing admin on restart', async () => {
    const email = uniqueEmail('admin');
    await startApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD });
    const restarted = await startApp({ ADMIN_EMAIL: email, ADMIN_PASSWORD: 'Different-pass-42' });
    await login(restarted, email, ADMIN_PASSWORD).expect(200);
    expectError(await login(restarted, email, 'Different-pass-42'), 401, 'INVALID_CREDENTIALS');
  });

  it('promotes an existing user whose password is ADMIN_PASSWORD, with the email in any case', async () => {
    const plain = await startApp();
    const user = await plain.createUser({ password: ADMIN_PASSWORD });
    const warnings = captureWarnings();
    const t = await startApp({ ADMIN_EMAIL: user.email.toUpperCase(), ADMIN_PASSWORD });
    expect(await usersWithEmail(t, user.email)).toEqual([{ role: 'admin' }]);
    const session = await login(t, user.email, ADMIN_PASSWORD).expect(200);
    expect(session.body.user.role).toBe('admin');
    await t.http
      .get('/api/users')
      .set('Authorization', `Bearer ${session.body.accessToken}`)
      .expect(200);
    expect(refusalsFor(warnings, user.email)).toEqual([]);
  });

  it('leaves an account a stranger registered with ADMIN_EMAIL a customer, starts, and says why', async () => {
    const plain = await startApp();
    const stranger = await plain.createUser({ password: 'Stranger-pass-42' });
    const warnings = captureWarnings();
    const t = await startApp({ ADMIN_EMAIL: stranger.email, ADMIN_PASSWORD });

    await t.http.get('/health/ready').expect(200);
    expect(await usersWithEmail(t, stranger.email)).toEqual([{ role: 'customer' }]);
    const session = await login(t, stranger.email, 'Stranger-pass-42').expect(200);
    expect(session.body.user.role).toBe('customer');
    expectError(
      await t.http.get('/api/users').set('Authorization', `Bearer ${session.body.accessToken}`),
      403,
      'FORBIDDEN',
    );
    expectError(await login(t, stranger.email, ADMIN_PASSWORD), 401, 'INVALID_CREDENTIALS');

    const [warning, ...more] = refusalsFor(warnings, stranger.email);
    expect(more).toEqual([]);
    expect(warning).toContain('already exists');
    expect(warning).toContain('NOT promoted');
    expect(warning).toContain(`npm run create-admin -- --promote-existing ${stranger.email}`);
  });

  it('refuses a stranger on every instance when several boot at once', async () => {
    const plain = await startApp();
    const stranger = await plain.createUser({ password: 'Stranger-pass-42' });
    const warnings = captureWarnings();
    const env = { ADMIN_EMAIL: stranger.email, ADMIN_PASSWORD };
    await Promise.all([startApp(env), startApp(env)]);
    expect(await usersWithEmail(plain, stranger.email)).toEqual([{ role: 'customer' }]);
    expect(refusalsFor(warnings, stranger.email)).toHaveLength(2);
  });

  it('promotes the owner once when several instances boot at once', async () => {
    const plain = await startApp();
    const owner = await plain.createUser({ password: ADMIN_PASSWORD });
    const env = { ADMIN_EMAIL: owner.email, ADMIN_PASSWORD };
    await Promise.all([startApp(env), startApp(env)]);
    expect(await usersWithEmail(plain, owner.email)).toEqual([{ role: 'admin' }]);
    await login(plain, owner.email, ADMIN_PASSWORD).expect(200);
  });

  it('refuses to start with only one of the two variables', async () => {
    await expect(createTestApp({ ADMIN_EMAIL: uniqueEmail('admin') })).rejects.toThrow(
      /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/,
    );
    await expect(createTestApp({ ADMIN_PASSWORD: STRONG_PASSWORD })).rejects.toThrow(
      /ADMIN_EMAIL and ADMIN_PASSWORD must be set together/,
    );
  });
});
