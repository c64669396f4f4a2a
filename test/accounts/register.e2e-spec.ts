import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, STRONG_PASSWORD, type TestApp, uniqueEmail } from '../support/test-app.js';

describe('register', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('creates a customer and returns a session', async () => {
    const email = uniqueEmail();
    const res = await t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, name: 'Ada' }).expect(201);
    expect(res.body).toMatchObject({ user: { email, name: 'Ada', role: 'customer', phone: null }, expiresIn: 900 });
    expect(typeof res.body.accessToken).toBe('string');
    const me = await t.http.get('/api/me').set('Authorization', `Bearer ${res.body.accessToken}`).expect(200);
    expect(me.body.id).toBe(res.body.user.id);
  });

  it('rejects the same email in another case with 409', async () => {
    const email = uniqueEmail();
    await t.http.post('/api/auth/register').send({ email, password: STRONG_PASSWORD, name: 'A' }).expect(201);
    const res = await t.http
      .post('/api/auth/register')
      .send({ email: email.toUpperCase(), password: STRONG_PASSWORD, name: 'B' })
      .expect(409);
    expect(res.body).toMatchObject({ statusCode: 409, error: 'Conflict', code: 'EMAIL_TAKEN' });
    expect(typeof res.body.requestId).toBe('string');
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });
});
