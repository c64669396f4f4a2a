import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';
import { bearer, expectError, expectFieldError, expectUserShape } from './helpers.js';

describe('login', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const login = (email: unknown, password: unknown) =>
    t.http.post('/api/auth/login').send({ email, password });

  it('answers 200 with the user and a new session', async () => {
    const user = await t.createUser({ name: 'Grace' });
    const res = await login(user.email, user.password).expect(200);
    expect(Object.keys(res.body as object).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'refreshToken',
      'user',
    ]);
    expectUserShape(res.body.user, { email: user.email, name: 'Grace' });
    expect(res.body.user.id).toBe(user.id);
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    const me = await t.http
      .get('/api/me')
      .set('Authorization', bearer(res.body.accessToken))
      .expect(200);
    expect(me.body.id).toBe(user.id);
  });

  it('gives an unknown email and a wrong password the same 401', async () => {
    const user = await t.createUser();
    const wrongPassword = await login(user.email, 'Wrong-password-1');
    const unknownEmail = await login(uniqueEmail('nobody'), user.password);
    const a = expectError(wrongPassword, 401, 'INVALID_CREDENTIALS');
    const b = expectError(unknownEmail, 401, 'INVALID_CREDENTIALS');
    expect({ ...a, requestId: undefined }).toEqual({ ...b, requestId: undefined });
    expect(a.details).toBeUndefined();
  });

  it('treats the email case-insensitively and ignores surrounding spaces', async () => {
    const user = await t.createUser({ email: uniqueEmail('MixedCase') });
    const upper = await login(user.email.toUpperCase(), user.password).expect(200);
    expect(upper.body.user).toMatchObject({ id: user.id, email: user.email });
    const padded = await login(`  ${user.email.toLowerCase()}  `, user.password).expect(200);
    expect(padded.body.user.id).toBe(user.id);
  });

  it('treats the password case-sensitively', async () => {
    const user = await t.createUser();
    const res = await login(user.email, user.password.toUpperCase());
    expectError(res, 401, 'INVALID_CREDENTIALS');
  });

  it('starts an independent session on every login', async () => {
    const user = await t.createUser();
    const first = await login(user.email, user.password).expect(200);
    const second = await login(user.email, user.password).expect(200);
    expect(second.body.refreshToken).not.toBe(first.body.refreshToken);
    await t.http
      .post('/api/auth/logout')
      .send({ refreshToken: first.body.refreshToken })
      .expect(204);
    await t.http
      .post('/api/auth/refresh')
      .send({ refreshToken: second.body.refreshToken })
      .expect(200);
  });

  it.each([
    ['without a password', { email: 'someone@example.test' }, 'password'],
    ['without an email', { password: STRONG_PASSWORD }, 'email'],
    ['with an empty password', { email: 'someone@example.test', password: '' }, 'password'],
    ['with a numeric password', { email: 'someone@example.test', password: 12345678 }, 'password'],
    ['with an object as email', { email: { $ne: '' }, password: STRONG_PASSWORD }, 'email'],
  ])('answers 400, not 401, to a body %s', async (_, body, field) => {
    const res = await t.http.post('/api/auth/login').send(body);
    expectFieldError(res, field);
  });

  it('rejects unknown fields with 400', async () => {
    const user = await t.createUser();
    const res = await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: user.password, rememberMe: true });
    expectFieldError(res, 'rememberMe');
  });

  it('accepts the password in another Unicode normalization form', async () => {
    const composed = 'Caf\u00e9-au-lait-42';
    const user = await t.createUser({ password: composed });
    await login(user.email, composed.normalize('NFD')).expect(200);
  });

  it('lets a user whose password was typed with spaces log in only with those spaces', async () => {
    const password = ' spaced Pass 42 ';
    const user = await t.createUser({ password });
    await login(user.email, password).expect(200);
    expectError(await login(user.email, password.trim()), 401, 'INVALID_CREDENTIALS');
  });
});
