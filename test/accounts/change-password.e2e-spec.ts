import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { expectError, expectFieldError, refreshInFlight } from './helpers.js';

const NEW_PASSWORD = 'An0ther-good-one';

describe('changePassword', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const changePassword = (user: TestUser, body: Record<string, unknown>) =>
    t.http.post('/api/me/password').set('Authorization', user.auth).send(body);
  const login = (email: string, password: string) =>
    t.http.post('/api/auth/login').send({ email, password });
  const refresh = (refreshToken: string) => t.http.post('/api/auth/refresh').send({ refreshToken });

  it('answers 204; the new password logs in and the old one no longer does', async () => {
    const user = await t.createUser();
    const res = await changePassword(user, {
      currentPassword: user.password,
      newPassword: NEW_PASSWORD,
    });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const session = await login(user.email, NEW_PASSWORD).expect(200);
    expect(session.body.user.id).toBe(user.id);
    expectError(await login(user.email, user.password), 401, 'INVALID_CREDENTIALS');
  });

  it('revokes every refresh token of the user, in every session', async () => {
    const user = await t.createUser();
    const other = await login(user.email, user.password).expect(200);
    const rotated = await refresh(other.body.refreshToken as string).expect(200);
    await changePassword(user, {
      currentPassword: user.password,
      newPassword: NEW_PASSWORD,
    }).expect(204);
    expectError(await refresh(user.refreshToken), 401, 'INVALID_REFRESH_TOKEN');
    expectError(await refresh(rotated.body.refreshToken as string), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('revokes the token a refresh in flight at that moment is issuing', async () => {
    const user = await t.createUser();
    const inFlight = await refreshInFlight(t.dataSource, user.refreshToken);
    const changed = changePassword(user, {
      currentPassword: user.password,
      newPassword: NEW_PASSWORD,
    })
      .expect(204)
      .then(() => undefined);
    await inFlight.settle();
    await changed;
    expectError(await refresh(inFlight.issued), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('leaves the refresh tokens of other users alone', async () => {
    const user = await t.createUser();
    const bystander = await t.createUser();
    await changePassword(user, {
      currentPassword: user.password,
      newPassword: NEW_PASSWORD,
    }).expect(204);
    await refresh(bystander.refreshToken).expect(200);
  });

  it('answers 400 WRONG_CURRENT_PASSWORD to a wrong current password and changes nothing', async () => {
    const user = await t.createUser();
    const res = await changePassword(user, {
      currentPassword: 'Not-my-password-9',
      newPassword: NEW_PASSWORD,
    });
    expectFieldError(res, 'currentPassword', 'WRONG_CURRENT_PASSWORD');
    await login(user.email, user.password).expect(200);
    expectError(await login(user.email, NEW_PASSWORD), 401, 'INVALID_CREDENTIALS');
    await refresh(user.refreshToken).expect(200);
  });

  it.each([
    ['too short', 'Ab1!xyz'],
    ['letters only', 'onlyletterspassword'],
    ['a common password', 'passw0rd'],
    ['empty', ''],
  ])('answers 400 WEAK_PASSWORD to a new password that is %s', async (_, newPassword) => {
    const user = await t.createUser();
    const res = await changePassword(user, { currentPassword: user.password, newPassword });
    expectFieldError(res, 'newPassword', 'WEAK_PASSWORD');
    await login(user.email, user.password).expect(200);
  });

  it('answers 400 WEAK_PASSWORD to a new password equal to the email', async () => {
    const user = await t.createUser();
    const res = await changePassword(user, {
      currentPassword: user.password,
      newPassword: user.email,
    });
    expectFieldError(res, 'newPassword', 'WEAK_PASSWORD');
  });

  it('checks the current password before the strength of the new one', async () => {
    const user = await t.createUser();
    const res = await changePassword(user, {
      currentPassword: 'Not-my-password-9',
      newPassword: 'short',
    });
    expectError(res, 400, 'WRONG_CURRENT_PASSWORD');
  });

  it.each([
    ['no currentPassword', { newPassword: NEW_PASSWORD }, 'currentPassword'],
    ['no newPassword', { currentPassword: 'whatever-1' }, 'newPassword'],
    [
      'a numeric newPassword',
      { currentPassword: 'whatever-1', newPassword: 12345678 },
      'newPassword',
    ],
    [
      'an unknown field',
      { currentPassword: 'x', newPassword: NEW_PASSWORD, confirm: NEW_PASSWORD },
      'confirm',
    ],
  ])('answers 400 to a body with %s', async (_, body, field) => {
    const user = await t.createUser();
    expectFieldError(await changePassword(user, body), field);
  });

  it('answers 401 without a token', async () => {
    const res = await t.http
      .post('/api/me/password')
      .send({ currentPassword: 'whatever-1', newPassword: NEW_PASSWORD });
    expectError(res, 401, 'UNAUTHORIZED');
  });
});
