/**
 * OWASP API8 (security misconfiguration): security headers on every kind of response (a strict set
 * on data, helmet's on pages), and CORS that lets the configured origins in and no other.
 *
 * test/accounts/http-errors.e2e-spec.ts checks the helmet headers on a 200, a 404 and a 413 too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

const SHOP = 'https://shop.example';

/** An answer that is data (JSON, YAML, metrics): the strict set, and none of the page-only headers. */
function expectDataHeaders(res: Response): void {
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'strict-transport-security': expect.stringMatching(/max-age=\d{6,}/),
    // Nothing loads from a JSON answer, and nothing frames it.
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'cross-origin',
  });
  for (const pageOnly of [
    'cross-origin-opener-policy',
    'origin-agent-cluster',
    'x-dns-prefetch-control',
    'x-download-options',
    'x-xss-protection',
  ])
    expect(res.headers[pageOnly]).toBeUndefined();
  expect(res.headers['x-powered-by']).toBeUndefined();
  expect(res.headers.server).toBeUndefined();
}

/** A page a browser renders (Swagger UI, the demo): helmet's set, framing refused. */
function expectPageHeaders(res: Response): void {
  expect(res.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'strict-transport-security': expect.stringMatching(/max-age=\d{6,}/),
    'content-security-policy': expect.stringContaining("default-src 'self'"),
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'x-frame-options': 'SAMEORIGIN',
  });
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'self'");
  expect(res.headers['content-security-policy']).toContain("object-src 'none'");
  expect(res.headers['x-powered-by']).toBeUndefined();
}

describe('security headers', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await createTestApp();
    user = await t.createUser();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['a public read (200)', () => t.http.get('/api/products')],
    ['an authenticated read (200)', () => t.http.get('/api/me').set('Authorization', user.auth)],
    ['a missing token (401)', () => t.http.get('/api/me')],
    ['a validation failure (400)', () => t.http.post('/api/auth/login').send({ email: 1 })],
    ['a forbidden call (403)', () => t.http.get('/api/users').set('Authorization', user.auth)],
    ['an unknown route (404)', () => t.http.get('/api/nothing')],
    ['a non-JSON body (415)', () => t.http.post('/api/auth/login').type('text/plain').send('x')],
    ['the OpenAPI document', () => t.http.get('/docs-json')],
    ['the AsyncAPI document', () => t.http.get('/docs-asyncapi.json')],
    ['a health check', () => t.http.get('/health/live')],
    ['the metrics', () => t.http.get('/metrics')],
  ])('sends the data set on %s', async (_, request) => {
    expectDataHeaders(await request());
  });

  it.each([
    ['Swagger UI', '/docs'],
    ['the demo shop', '/demo'],
    ['a page outside the API that does not exist (404)', '/nothing'],
  ])('sends the page set on %s', async (_, path) => {
    const res = await t.http.get(path);
    expect(res.status).toBe(path === '/nothing' ? 404 : 200);
    expectPageHeaders(res);
  });

  it('serves JSON as JSON (never sniffable as HTML), even when it echoes markup', async () => {
    const res = await t.http.get('/api/%3Cscript%3Ealert(1)%3C%2Fscript%3E');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ CORS_ORIGINS: `${SHOP},https://admin.shop.example` });
  });
  afterAll(async () => {
    await t.close();
  });

  const preflight = (origin: string, method = 'PATCH', headers = 'authorization,content-type') =>
    t.http
      .options('/api/me')
      .set('Origin', origin)
      .set('Access-Control-Request-Method', method)
      .set('Access-Control-Request-Headers', headers);

  it('allows a configured origin, on successes and errors, exposing the headers clients read', async () => {
    for (const res of [
      await t.http.get('/api/products').set('Origin', SHOP),
      await t.http.get('/api/me').set('Origin', SHOP),
    ]) {
      expect(res.headers['access-control-allow-origin']).toBe(SHOP);
      expect(res.headers.vary).toMatch(/origin/i);
      expect(res.headers['access-control-expose-headers']).toMatch(/x-request-id/i);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it.each([
    'https://evil.example',
    'https://shop.example.evil.example',
    'https://evilshop.example',
    'http://shop.example',
    'https://shop.example:8443',
    'null',
  ])('gives %s no Access-Control-Allow-Origin, on reads and on preflights', async (origin) => {
    const read = await t.http.get('/api/products').set('Origin', origin);
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
    const pre = await preflight(origin);
    // Without Access-Control-Allow-Origin the browser refuses, whatever else is listed.
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('answers a preflight from a configured origin: methods, headers, max-age, no credentials', async () => {
    const res = await preflight(SHOP, 'POST', 'authorization,content-type,idempotency-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe(SHOP);
    expect(res.headers['access-control-allow-methods']).toEqual(expect.stringContaining('PATCH'));
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toEqual(
      expect.stringContaining('authorization'),
    );
    expect(res.headers['access-control-allow-headers']?.toLowerCase()).toEqual(
      expect.stringContaining('idempotency-key'),
    );
    expect(res.headers['access-control-max-age']).toBe('600');
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('applies the same origins to the Socket.IO handshake', async () => {
    const path = '/socket.io/?EIO=4&transport=polling';
    const allowed = await t.http.get(path).set('Origin', SHOP);
    expect(allowed.headers['access-control-allow-origin']).toBe(SHOP);
    const refused = await t.http.get(path).set('Origin', 'https://evil.example');
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS in production without CORS_ORIGINS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-secret-that-is-long-enough-0123456789',
      CORS_ORIGINS: undefined,
    });
  });
  afterAll(async () => {
    await t.close();
  });

  it('allows no cross-origin caller at all', async () => {
    for (const origin of [SHOP, 'https://evil.example', 'http://localhost:3000']) {
      const res = await t.http.get('/api/products').set('Origin', origin);
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
