import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import {
  createTestApp,
  TEST_JWT_SECRET,
  type TestApp,
  type TestUser,
} from '../support/test-app.js';
import { bearer, expectError } from './helpers.js';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);
const base64url = (value: unknown): string =>
  Buffer.from(JSON.stringify(value)).toString('base64url');
const decodePart = (part = ''): Record<string, unknown> =>
  JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>;

/** Signs with the test app's secret (the dev default), like the app does. */
const appJwt = new JwtService({ secret: TEST_JWT_SECRET });
const claimsOf = (user: TestUser) => ({ sub: user.id, email: user.email, role: user.role });

describe('access tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const getMe = (authorization?: string) => {
    const request = t.http.get('/api/me');
    return authorization === undefined ? request : request.set('Authorization', authorization);
  };

  it('accepts the access token of a session', async () => {
    const user = await t.createUser();
    const res = await getMe(user.auth).expect(200);
    expect(res.body.id).toBe(user.id);
  });

  it('is an HS256 JWT for the user that expires after expiresIn seconds', async () => {
    const user = await t.createUser({ role: 'staff' });
    const [header, payload] = user.accessToken.split('.');
    expect(decodePart(header)).toMatchObject({ alg: 'HS256' });
    const claims = decodePart(payload);
    expect(claims).toMatchObject({ sub: user.id, email: user.email, role: 'staff' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(900);
  });

  it('answers 401 when the Authorization header is missing', async () => {
    expectError(await getMe(), 401, 'UNAUTHORIZED');
  });

  it.each([
    ['garbage', 'Bearer not-a-jwt'],
    ['an empty bearer', 'Bearer '],
    ['another scheme', 'Basic dXNlcjpwYXNz'],
    ['a token without scheme', 'eyJhbGciOiJIUzI1NiJ9.e30.c2ln'],
  ])('answers 401 to %s', async (_, authorization) => {
    expectError(await getMe(authorization), 401, 'UNAUTHORIZED');
  });

  it('answers 401 to a token whose signature was tampered with', async () => {
    const user = await t.createUser();
    const [header, payload, signature = ''] = user.accessToken.split('.');
    const flipped = `${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    expectError(await getMe(bearer(`${header}.${payload}.${flipped}`)), 401, 'UNAUTHORIZED');
  });

  it('answers 401, not 403, to a customer token whose payload was edited to admin', async () => {
    const user = await t.createUser();
    const [header, payload, signature] = user.accessToken.split('.');
    const forged = `${header}.${base64url({ ...decodePart(payload), role: 'admin' })}.${signature}`;
    expectError(
      await t.http.get('/api/users').set('Authorization', bearer(forged)),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401 with TOKEN_EXPIRED to an expired token', async () => {
    const user = await t.createUser();
    const expired = appJwt.sign({
      ...claimsOf(user),
      iat: nowSeconds() - 120,
      exp: nowSeconds() - 60,
    });
    const body = expectError(await getMe(bearer(expired)), 401, 'TOKEN_EXPIRED');
    expect(body.message).toMatch(/expired/i);
  });

  it('answers 401 to an unsigned token (alg none)', async () => {
    const user = await t.createUser();
    const claims = { ...claimsOf(user), iat: nowSeconds(), exp: nowSeconds() + 600 };
    const unsigned = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;
    expectError(await getMe(bearer(unsigned)), 401, 'UNAUTHORIZED');
  });

  it('answers 401 to a token signed with another secret', async () => {
    const user = await t.createUser();
    const other = new JwtService({ secret: 'some-other-secret-of-sufficient-length' });
    expectError(
      await getMe(bearer(other.sign(claimsOf(user), { expiresIn: 600 }))),
      401,
      'UNAUTHORIZED',
    );
  });

  it('answers 401 to a token signed with the right secret but another algorithm (HS512)', async () => {
    const user = await t.createUser();
    const token = appJwt.sign(claimsOf(user), { algorithm: 'HS512', expiresIn: 600 });
    expectError(await getMe(bearer(token)), 401, 'UNAUTHORIZED');
  });

  it.each([
    ['without a role', (u: TestUser) => ({ sub: u.id, email: u.email })],
    ['with an unknown role', (u: TestUser) => ({ ...claimsOf(u), role: 'root' })],
    ['without a subject', (u: TestUser) => ({ email: u.email, role: u.role })],
  ])('answers 401 to a well-signed token %s', async (_, claims) => {
    const user = await t.createUser();
    expectError(
      await getMe(bearer(appJwt.sign(claims(user), { expiresIn: 600 }))),
      401,
      'UNAUTHORIZED',
    );
  });

  it('ignores a bad token on a public route instead of failing it', async () => {
    const user = await t.createUser();
    const res = await t.http
      .post('/api/auth/login')
      .set('Authorization', 'Bearer not-a-jwt')
      .send({ email: user.email, password: user.password });
    expect(res.status).toBe(200);
  });
});
