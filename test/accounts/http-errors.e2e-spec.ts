import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';
import { expectError, UUID } from './helpers.js';

describe('errors the HTTP layer raises, and headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const postJson = (path: string, raw: string) =>
    t.http.post(path).set('Content-Type', 'application/json').send(raw);

  it.each([
    ['a truncated object', '{"email": "a@example.test", "password": '],
    ['single quotes', "{'email': 'a@example.test'}"],
    ['a trailing comma', '{"email": "a@example.test",}'],
    ['plain words', 'hello'],
  ])('answers 400 MALFORMED_JSON to %s', async (_, raw) => {
    const body = expectError(await postJson('/api/auth/login', raw), 400, 'MALFORMED_JSON');
    expect(body.message).toMatch(/JSON/);
  });

  it('answers 400 MALFORMED_JSON on an authenticated route too', async () => {
    const user = await t.createUser();
    const res = await t.http
      .patch('/api/me')
      .set('Authorization', user.auth)
      .set('Content-Type', 'application/json')
      .send('{"name": ');
    expectError(res, 400, 'MALFORMED_JSON');
  });

  it.each([
    ['a string', '"just a string"'],
    ['a number', '42'],
    ['an array', '[{"email": "a@example.test"}]'],
    ['null', 'null'],
  ])('answers 400, never 5xx, to valid JSON that is %s', async (_, raw) => {
    expectError(await postJson('/api/auth/register', raw), 400, 'VALIDATION_FAILED');
  });

  it('answers 413 to a body over 1 MB', async () => {
    const big = JSON.stringify({
      email: uniqueEmail(),
      password: STRONG_PASSWORD,
      name: 'x'.repeat(1024 * 1024),
    });
    const body = expectError(await postJson('/api/auth/register', big), 413, 'PAYLOAD_TOO_LARGE');
    expect(body.message).toMatch(/1 MB/);
  });

  it('accepts a body just under 1 MB as far as the parser goes', async () => {
    const name = 'x'.repeat(1024 * 1024 - 200);
    const res = await postJson(
      '/api/auth/register',
      JSON.stringify({ email: uniqueEmail(), password: STRONG_PASSWORD, name }),
    );
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.details).toEqual([expect.objectContaining({ field: 'name' })]);
  });

  it.each([
    ['text/plain', '{"email":"a@example.test","password":"x"}'],
    ['application/x-www-form-urlencoded', 'email=a%40example.test&password=x'],
    ['application/xml', '<login/>'],
    [
      'multipart/form-data; boundary=x',
      '--x\r\nContent-Disposition: form-data; name="email"\r\n\r\na\r\n--x--',
    ],
  ])('answers 415 to a %s body', async (contentType, raw) => {
    const res = await t.http.post('/api/auth/login').set('Content-Type', contentType).send(raw);
    const body = expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(body.message).toMatch(/JSON/);
  });

  it('accepts application/json with a charset', async () => {
    const user = await t.createUser();
    await t.http
      .post('/api/auth/login')
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ email: user.email, password: user.password }))
      .expect(200);
  });

  it.each([
    ['GET', '/api/nothing-here'],
    ['POST', '/api/auth/nothing'],
    ['DELETE', '/api/me'],
    ['GET', '/api/auth/login'],
  ])('answers 404 to %s %s', async (method, path) => {
    const res = await t.http[method.toLowerCase() as 'get' | 'post' | 'delete'](path);
    expectError(res, 404, 'NOT_FOUND');
  });

  it('sends security headers on successes and errors', async () => {
    const user = await t.createUser();
    const ok = await t.http.get('/api/me').set('Authorization', user.auth).expect(200);
    const notFound = await t.http.get('/api/nothing-here').expect(404);
    const tooBig = await postJson(
      '/api/auth/login',
      JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }),
    ).expect(413);
    for (const res of [ok, notFound, tooBig]) {
      expect(res.headers).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'strict-transport-security': expect.stringContaining('max-age='),
        'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
      });
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('echoes a sane X-Request-Id on successes and in error bodies', async () => {
    const ok = await t.http.get('/health/live').set('X-Request-Id', 'client-req.42:a_b-c');
    expect(ok.headers['x-request-id']).toBe('client-req.42:a_b-c');
    const err = await t.http.get('/api/me').set('X-Request-Id', 'trace-abc-123');
    const body = expectError(err, 401, 'UNAUTHORIZED');
    expect(body.requestId).toBe('trace-abc-123');
  });

  it.each([
    ['too long', 'a'.repeat(65)],
    ['with spaces', 'two words'],
    ['with markup', '<script>x</script>'],
  ])('replaces an X-Request-Id that is %s with its own', async (_, id) => {
    const res = await t.http.get('/api/me').set('X-Request-Id', id);
    const body = expectError(res, 401, 'UNAUTHORIZED');
    expect(body.requestId).not.toBe(id);
    expect(body.requestId).toMatch(UUID);
  });

  it('gives every request its own id when the client sends none', async () => {
    const a = await t.http.get('/api/nothing-here');
    const b = await t.http.get('/api/nothing-here');
    expect(a.body.requestId).toMatch(UUID);
    expect(b.body.requestId).toMatch(UUID);
    expect(a.body.requestId).not.toBe(b.body.requestId);
  });
});
