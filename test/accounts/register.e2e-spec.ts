import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';
import { bearer, expectError, expectFieldError, expectUserShape } from './helpers.js';

describe('register', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const accountsWithEmail = async (email: string): Promise<number> => {
    const rows = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM users WHERE lower(email) = lower($1)',
      [email],
    );
    return rows[0]?.n ?? 0;
  };

  it('creates a customer and returns a session', async () => {
    const email = uniqueEmail();
    const res = await t.http
      .post('/api/auth/register')
      .send({ email, password: STRONG_PASSWORD, name: 'Ada' })
      .expect(201);
    expect(Object.keys(res.body as object).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'refreshToken',
      'user',
    ]);
    expectUserShape(res.body.user, { email, name: 'Ada' });
    expect(res.body.expiresIn).toBe(900);
    expect(typeof res.body.accessToken).toBe('string');
    expect(typeof res.body.refreshToken).toBe('string');
    expect(res.body.refreshToken).not.toBe(res.body.accessToken);
    const me = await t.http
      .get('/api/me')
      .set('Authorization', bearer(res.body.accessToken))
      .expect(200);
    expect(me.body).toEqual(res.body.user);
  });

  it('trims the email and the name', async () => {
    const email = uniqueEmail();
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: `  ${email} `, password: STRONG_PASSWORD, name: '  Ada Lovelace ' })
      .expect(201);
    expect(res.body.user).toMatchObject({ email, name: 'Ada Lovelace' });
  });

  it('rejects the same email in another case with 409', async () => {
    const email = uniqueEmail();
    await t.http
      .post('/api/auth/register')
      .send({ email, password: STRONG_PASSWORD, name: 'A' })
      .expect(201);
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: email.toUpperCase(), password: STRONG_PASSWORD, name: 'B' });
    const body = expectError(res, 409, 'EMAIL_TAKEN');
    expect(body.error).toBe('Conflict');
    expect(await accountsWithEmail(email)).toBe(1);
  });

  it('lets only one of two concurrent registrations of one email through', async () => {
    const email = uniqueEmail();
    const attempt = (name: string) =>
      t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, name });
    const [a, b] = await Promise.all([attempt('First'), attempt('Second')]);
    expect([a.status, b.status].sort()).toEqual([201, 409]);
    expectError(a.status === 409 ? a : b, 409, 'EMAIL_TAKEN');
    expect(await accountsWithEmail(email)).toBe(1);
  });

  it.each([
    ['too short', 'Ab1!xyz'],
    ['letters only', 'abcdefghijklmnop'],
    ['digits only', '9876543210123'],
    ['a common password', 'Password123'],
    ['one repeated character', '!!!!!!!!!!'],
  ])('rejects a weak password (%s) with 400 on the password field', async (_, password) => {
    const email = uniqueEmail();
    const res = await t.http.post('/api/auth/register').send({ email, password, name: 'Weak' });
    expectFieldError(res, 'password', 'WEAK_PASSWORD');
    expect(await accountsWithEmail(email)).toBe(0);
  });

  it('rejects a password equal to the email, in any case', async () => {
    const email = uniqueEmail();
    const res = await t.http
      .post('/api/auth/register')
      .send({ email, password: email.toUpperCase(), name: 'Same' });
    expectFieldError(res, 'password', 'WEAK_PASSWORD');
    expect(await accountsWithEmail(email)).toBe(0);
  });

  it('rejects a password longer than 128 characters', async () => {
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: uniqueEmail(), password: `a1${'x'.repeat(127)}`, name: 'Long' });
    expectFieldError(res, 'password');
  });

  it.each([
    ['no at sign', 'not-an-email'],
    ['no domain', 'someone@'],
    ['spaces inside', 'some one@example.test'],
    ['not a string', 42],
  ])('rejects an invalid email (%s) with 400', async (_, email) => {
    const res = await t.http
      .post('/api/auth/register')
      .send({ email, password: STRONG_PASSWORD, name: 'Bad' });
    expectFieldError(res, 'email');
  });

  it('rejects an email longer than 254 characters', async () => {
    const email = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(63)}.test`;
    const res = await t.http
      .post('/api/auth/register')
      .send({ email, password: STRONG_PASSWORD, name: 'Long' });
    expectFieldError(res, 'email');
  });

  it.each([
    ['email', 'email must be an email address'],
    ['password', 'password must be a string'],
    ['name', 'name must be a string'],
  ])('rejects a body without %s with 400 naming it', async (field, message) => {
    const body: Record<string, string> = {
      email: uniqueEmail(),
      password: STRONG_PASSWORD,
      name: 'Ada',
    };
    delete body[field];
    const res = await t.http.post('/api/auth/register').send(body);
    const error = expectFieldError(res, field);
    expect(error.details).toEqual([{ field, message }]);
    expect(error.message).toBe(`${field}: ${message}`);
  });

  it('rejects an empty body with 400', async () => {
    const res = await t.http
      .post('/api/auth/register')
      .set('Content-Type', 'application/json')
      .send('');
    expectError(res, 400, 'VALIDATION_FAILED');
  });

  it('rejects a role in the body (no mass assignment) and creates nothing', async () => {
    const email = uniqueEmail();
    const res = await t.http
      .post('/api/auth/register')
      .send({ email, password: STRONG_PASSWORD, name: 'Mallory', role: 'admin' });
    expectFieldError(res, 'role');
    expect(await accountsWithEmail(email)).toBe(0);
  });

  it.each([
    ['id', '00000000-0000-4000-8000-000000000000'],
    ['passwordHash', 'scrypt$1$1$1$x$y'],
    ['phone', '+44 20 7946 0958'],
  ])('rejects the unknown field %s with 400', async (field, value) => {
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: uniqueEmail(), password: STRONG_PASSWORD, name: 'Ada', [field]: value });
    expectFieldError(res, field);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['too long', 'n'.repeat(121)],
    ['not a string', 7],
  ])('rejects a name that is %s with 400', async (_, name) => {
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: uniqueEmail(), password: STRONG_PASSWORD, name });
    expectFieldError(res, 'name');
  });

  it('reports every invalid field at once', async () => {
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: 'nope', password: 5, name: '' });
    const body = expectError(res, 400, 'VALIDATION_FAILED');
    expect(body.details?.map((d) => d.field).sort()).toEqual(['email', 'name', 'password']);
  });
});
