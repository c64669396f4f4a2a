import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, STRONG_PASSWORD, type TestApp } from '../support/test-app.js';
import { bearer, expectError, expectFieldError, expectUserShape } from './helpers.js';

interface Session {
  accessToken: string;
  refreshToken: string;
}

/** Presenting a spent token again (the reuse grace, family revocation): refresh-token-reuse.e2e-spec.ts. */
describe('refreshToken and logout', () => {
  let t: TestApp;
  beforeAll(async () => {
    // The default (production) hashing cost, which the stored-hash test checks; other suites
    // hash at a test cost (test-app.ts).
    t = await createTestApp({ PASSWORD_HASH_COST: undefined });
  });
  afterAll(async () => {
    await t.close();
  });

  const refresh = (refreshToken: unknown) =>
    t.http.post('/api/auth/refresh').send({ refreshToken });
  const logout = (refreshToken: unknown) => t.http.post('/api/auth/logout').send({ refreshToken });
  const rotate = async (refreshToken: string): Promise<Session> =>
    (await refresh(refreshToken).expect(200)).body as Session;
  const expectRevoked = async (refreshToken: string): Promise<void> => {
    expectError(await refresh(refreshToken), 401, 'INVALID_REFRESH_TOKEN');
  };

  it('exchanges a refresh token for a new, working pair', async () => {
    const user = await t.createUser({ name: 'Rotating' });
    const res = await refresh(user.refreshToken).expect(200);
    expect(Object.keys(res.body as object).sort()).toEqual([
      'accessToken',
      'expiresIn',
      'refreshToken',
      'user',
    ]);
    expectUserShape(res.body.user, { email: user.email, name: 'Rotating' });
    expect(res.body.expiresIn).toBe(900);
    expect(res.body.refreshToken).not.toBe(user.refreshToken);
    expect(res.body.accessToken).not.toBe(user.accessToken);
    const me = await t.http
      .get('/api/me')
      .set('Authorization', bearer(res.body.accessToken))
      .expect(200);
    expect(me.body.id).toBe(user.id);
    await rotate(res.body.refreshToken);
  });

  it('stores a salted scrypt hash of the password and only SHA-256 digests of the refresh tokens', async () => {
    const password = `${STRONG_PASSWORD}-${randomUUID().slice(0, 8)}`;
    const user = await t.createUser({ password });
    const login = (
      await t.http.post('/api/auth/login').send({ email: user.email, password }).expect(200)
    ).body as Session;
    const rotated = await rotate(login.refreshToken);
    const handedOut = [user, login, rotated];

    const users = await t.dataSource.query<Array<{ hash: string; whole: string }>>(
      'SELECT password_hash AS hash, to_jsonb(u)::text AS whole FROM users u WHERE id = $1',
      [user.id],
    );
    const [stored] = users;
    expect(stored?.whole).not.toContain(password);
    expect(stored?.hash).toMatch(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    const [, cost, , , salt, key] = (stored?.hash ?? '').split('$');
    expect(Number(cost)).toBe(2 ** 15);
    expect(Buffer.from(salt ?? '', 'base64')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64')).toHaveLength(32);
    const twin = await t.createUser({ password });
    const [twinRow] = await t.dataSource.query<Array<{ hash: string }>>(
      'SELECT password_hash AS hash FROM users WHERE id = $1',
      [twin.id],
    );
    expect(twinRow?.hash).not.toBe(stored?.hash);

    const rows = await t.dataSource.query<Array<{ id: string; digest: string; whole: string }>>(
      `SELECT id, encode(secret_hash, 'hex') AS digest, to_jsonb(r)::text AS whole
         FROM refresh_tokens r WHERE user_id = $1`,
      [user.id],
    );
    expect(rows).toHaveLength(handedOut.length);
    const everything = rows.map((r) => r.whole).join('\n');
    for (const { refreshToken, accessToken } of handedOut) {
      const [id, secret = ''] = refreshToken.split('.');
      expect(rows.find((r) => r.id === id)?.digest).toBe(
        createHash('sha256').update(secret).digest('hex'),
      );
      for (const handed of [refreshToken, secret, accessToken]) {
        expect(everything).not.toContain(handed);
      }
      expect(everything).not.toContain(Buffer.from(secret, 'base64url').toString('hex'));
    }
  });

  it.each([
    ['garbage', 'not-a-token'],
    ['an access token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'],
    ['a token with three parts', `${randomUUID()}.secret.extra`],
    ['a token of an unknown id', `${randomUUID()}.${'s'.repeat(43)}`],
    ['an id that is not a uuid', `123.${'s'.repeat(43)}`],
  ])('answers 401 to %s', async (_, token) => {
    await expectRevoked(token);
  });

  it('answers 401 to a known id with a wrong secret, and leaves the real token usable', async () => {
    const user = await t.createUser();
    const [id] = user.refreshToken.split('.');
    await expectRevoked(`${id}.${'x'.repeat(43)}`);
    await rotate(user.refreshToken);
  });

  it('answers 401 to an expired refresh token', async () => {
    const user = await t.createUser();
    const [id] = user.refreshToken.split('.');
    await t.dataSource.query(
      `UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`,
      [id],
    );
    await expectRevoked(user.refreshToken);
  });

  it('answers 401 once the user is gone', async () => {
    const user = await t.createUser();
    await t.dataSource.query('DELETE FROM users WHERE id = $1', [user.id]);
    await expectRevoked(user.refreshToken);
  });

  it.each([
    ['no refreshToken', {}],
    ['an empty refreshToken', { refreshToken: '' }],
    ['a numeric refreshToken', { refreshToken: 42 }],
    ['an overlong refreshToken', { refreshToken: 'x'.repeat(201) }],
  ])('answers 400 to a body with %s', async (_, body) => {
    expectFieldError(await t.http.post('/api/auth/refresh').send(body), 'refreshToken');
  });

  it('answers 204 to logout and revokes the family', async () => {
    const user = await t.createUser();
    const next = await rotate(user.refreshToken);
    const res = await logout(next.refreshToken).expect(204);
    expect(res.text).toBe('');
    await expectRevoked(next.refreshToken);
  });

  it('revokes the family on logout with an earlier, already spent token of it', async () => {
    const user = await t.createUser();
    const next = await rotate(user.refreshToken);
    await logout(user.refreshToken).expect(204);
    await expectRevoked(next.refreshToken);
  });

  it('logs out one session only', async () => {
    const user = await t.createUser();
    const other = (
      await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password })
        .expect(200)
    ).body as Session;
    await logout(user.refreshToken).expect(204);
    await expectRevoked(user.refreshToken);
    await rotate(other.refreshToken);
  });

  it.each([
    ['an unknown token', `${randomUUID()}.${'s'.repeat(43)}`],
    ['a malformed token', 'not-a-token'],
  ])('answers 204 to logout with %s', async (_, token) => {
    await logout(token).expect(204);
  });

  it('answers 204 to a repeated logout', async () => {
    const user = await t.createUser();
    await logout(user.refreshToken).expect(204);
    await logout(user.refreshToken).expect(204);
  });

  it('does not revoke a family on logout with a wrong secret', async () => {
    const user = await t.createUser();
    const [id] = user.refreshToken.split('.');
    await logout(`${id}.${'x'.repeat(43)}`).expect(204);
    await rotate(user.refreshToken);
  });

  it('answers 400 to logout without a refreshToken', async () => {
    expectFieldError(await t.http.post('/api/auth/logout').send({}), 'refreshToken');
  });
});
