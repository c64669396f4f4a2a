import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError } from '../support/expect-error.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import { quickUser } from '../notifications/notification-builders.js';
import { createEndpoint, deleteEndpoints } from './webhook-receiver.js';

/** The admin API of webhook endpoints: who may use it, what it accepts, what it never shows. */
describe('webhook endpoints (admin API)', () => {
  let t: TestApp;
  let admin: TestUser;
  const created: string[] = [];

  beforeAll(async () => {
    // The default: private and loopback targets refused.
    t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'false' });
    admin = await quickUser(t, 'admin');
  });
  afterAll(async () => {
    await deleteEndpoints(t, created);
    await t?.close();
  });

  const target = 'https://erp.example.com/hooks/shop';

  it('creates, shows, lists, changes and deletes an endpoint; the secret is shown once', async () => {
    const endpoint = await createEndpoint(t, admin, target, ['order.created']);
    created.push(endpoint.id);
    expect(endpoint).toMatchObject({
      url: target,
      events: ['order.created'],
      enabled: true,
      description: 'test receiver',
      disabledReason: null,
    });
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

    const got = await t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth);
    expect(got.status).toBe(200);
    expect(got.body).not.toHaveProperty('secret');
    expect(JSON.stringify(got.body)).not.toContain(endpoint.secret.slice(6));

    const list = await t.http
      .get('/api/webhooks')
      .query({ pageSize: 100 })
      .set('Authorization', admin.auth);
    expect(list.status).toBe(200);
    expect(JSON.stringify(list.body)).not.toContain(endpoint.secret.slice(6));
    const listed = (list.body as { items: Array<{ id: string }> }).items.map((e) => e.id);
    expect(listed).toContain(endpoint.id);

    const changed = await t.http
      .patch(`/api/webhooks/${endpoint.id}`)
      .set('Authorization', admin.auth)
      .send({
        events: ['order.created', 'order.status_changed'],
        description: null,
        enabled: false,
      });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({
      events: ['order.created', 'order.status_changed'],
      description: null,
      enabled: false,
      disabledReason: 'disabled by an admin',
    });
    const enabled = await t.http
      .patch(`/api/webhooks/${endpoint.id}`)
      .set('Authorization', admin.auth)
      .send({ enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabledAt: null, disabledReason: null });

    const deleted = await t.http
      .delete(`/api/webhooks/${endpoint.id}`)
      .set('Authorization', admin.auth);
    expect(deleted.status).toBe(204);
    const gone = await t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth);
    expectError(gone, 404, 'NOT_FOUND');
    expectError(
      await t.http.delete(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth),
      404,
      'NOT_FOUND',
    );
  });

  it('rotates the secret: the new one is shown once, the previous one still signs for a while', async () => {
    const endpoint = await createEndpoint(t, admin, target, ['order.created']);
    created.push(endpoint.id);
    const res = await t.http
      .post(`/api/webhooks/${endpoint.id}/secret`)
      .set('Authorization', admin.auth);
    expect(res.status).toBe(200);
    const rotated = res.body as { secret: string; previousSecretExpiresAt: string };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(endpoint.secret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const got = await t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth);
    expect(got.body).toMatchObject({ previousSecretExpiresAt: rotated.previousSecretExpiresAt });
  });

  it('is for admins only: staff and customers get 403, anonymous callers 401', async () => {
    const [staff, customer] = await Promise.all([quickUser(t, 'staff'), quickUser(t)]);
    const endpoint = await createEndpoint(t, admin, target);
    created.push(endpoint.id);
    const calls = [
      (auth: string) =>
        t.http
          .post('/api/webhooks')
          .set('Authorization', auth)
          .send({ url: target, events: ['order.created'] }),
      (auth: string) => t.http.get('/api/webhooks').set('Authorization', auth),
      (auth: string) => t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', auth),
      (auth: string) =>
        t.http
          .patch(`/api/webhooks/${endpoint.id}`)
          .set('Authorization', auth)
          .send({ enabled: false }),
      (auth: string) => t.http.delete(`/api/webhooks/${endpoint.id}`).set('Authorization', auth),
      (auth: string) =>
        t.http.post(`/api/webhooks/${endpoint.id}/secret`).set('Authorization', auth),
      (auth: string) =>
        t.http.get(`/api/webhooks/${endpoint.id}/deliveries`).set('Authorization', auth),
      (auth: string) =>
        t.http
          .post(`/api/webhooks/${endpoint.id}/deliveries/${endpoint.id}/redeliver`)
          .set('Authorization', auth),
    ];
    for (const call of calls) {
      expectError(await call(staff.auth), 403, 'FORBIDDEN');
      expectError(await call(customer.auth), 403, 'FORBIDDEN');
      expect((await call('')).status).toBe(401);
    }
    const still = await t.http.get(`/api/webhooks/${endpoint.id}`).set('Authorization', admin.auth);
    expect(still.body).toMatchObject({ enabled: true });
  });

  it('refuses unknown or internal event types, bad URLs and credentials in URLs with 400', async () => {
    const bad = [
      { url: target, events: ['order.shipped'] },
      { url: target, events: ['account.password_reset_requested'] },
      { url: target, events: [] },
      { url: target, events: ['order.created', 'order.created'] },
      { url: 'ftp://erp.example.com/hook', events: ['order.created'] },
      { url: 'https://user:pass@erp.example.com/hook', events: ['order.created'] },
      { url: 'not a url', events: ['order.created'] },
      // 127.0.0.1 spelled as one number: refused before the SSRF check even looks at it.
      { url: 'http://2130706433/', events: ['order.created'] },
      { url: `https://erp.example.com/${'x'.repeat(2048)}`, events: ['order.created'] },
      { events: ['order.created'] },
    ];
    for (const body of bad) {
      const res = await t.http.post('/api/webhooks').set('Authorization', admin.auth).send(body);
      expectError(res, 400, 'VALIDATION_FAILED');
    }
  });

  it.each([
    ['http://127.0.0.1:8080/hook', /127\.0\.0\.1 is a loopback address/],
    ['http://10.0.0.5/hook', /private address/],
    ['http://[::1]/hook', /loopback address/],
    ['http://localhost:3000/hook', /loopback name/],
    ['http://169.254.169.254/latest/meta-data/', /linkLocal address/],
    ['http://[::ffff:169.254.169.254]/', /linkLocal address/],
  ])('refuses %s with 422 WEBHOOK_TARGET_FORBIDDEN', async (url, reason) => {
    const res = await t.http
      .post('/api/webhooks')
      .set('Authorization', admin.auth)
      .send({ url, events: ['order.created'] });
    expectError(res, 422, 'WEBHOOK_TARGET_FORBIDDEN');
    expect((res.body as { message: string }).message).toMatch(reason);
  });

  it('refuses a forbidden URL on update too', async () => {
    const endpoint = await createEndpoint(t, admin, target);
    created.push(endpoint.id);
    const res = await t.http
      .patch(`/api/webhooks/${endpoint.id}`)
      .set('Authorization', admin.auth)
      .send({ url: 'http://169.254.169.254/' });
    expectError(res, 422, 'WEBHOOK_TARGET_FORBIDDEN');
  });

  it('allows private and loopback targets with WEBHOOK_ALLOW_PRIVATE_TARGETS=true, never link-local', async () => {
    const lax = await createTestApp({
      WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
      JOBS_WORKERS: 'false',
    });
    try {
      const laxAdmin = await quickUser(lax, 'admin');
      const loopback = await createEndpoint(lax, laxAdmin, 'http://127.0.0.1:9/hook');
      created.push(loopback.id);
      const metadata = await lax.http
        .post('/api/webhooks')
        .set('Authorization', laxAdmin.auth)
        .send({ url: 'http://169.254.169.254/', events: ['order.created'] });
      expectError(metadata, 422, 'WEBHOOK_TARGET_FORBIDDEN');
    } finally {
      await lax.close();
    }
  });
});
