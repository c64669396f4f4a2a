import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface Listed {
  id: string;
  to: string;
  subject: string;
  sentAt: string;
}

/** SMTP_URL unset: the newcomer's set-up (`npm start`), emails written to MAIL_DIR. */
describe('file mailbox (SMTP_URL unset)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shop-mailbox-'));
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ MAIL_DIR: dir, SMTP_URL: undefined });
  });
  afterAll(async () => {
    await t.close();
  });

  const listed = async (): Promise<Listed[]> =>
    ((await t.http.get('/demo/mail/messages').expect(200)).body as { items: Listed[] }).items;
  const waitForListed = async (to: string, subject: RegExp): Promise<Listed> => {
    for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(100)) {
      const found = (await listed()).find((m) => m.to === to && subject.test(m.subject));
      if (found) return found;
    }
    throw new Error(`no email ${subject} to ${to} in the mailbox`);
  };

  it('writes each email as an .eml a mail client opens, and lists it at /demo/mail', async () => {
    const user = await t.createUser();
    const item = await waitForListed(user.email, /^Confirm your email address/);
    const files = readdirSync(dir).filter((f) => f.startsWith(item.id));
    expect(files.sort()).toEqual([`${item.id}.eml`, `${item.id}.json`]);
    const parsed = await simpleParser(readFileSync(join(dir, `${item.id}.eml`)));
    expect(parsed.subject).toBe(item.subject);
    expect(parsed.text).toMatch(/\/verify-email\?token=[\w-]{43}/);
    expect(parsed.html).toEqual(expect.stringContaining('/verify-email?token='));

    const page = await t.http.get('/demo/mail').expect(200);
    expect(page.type).toBe('text/html');
    expect(page.text).toContain('/demo/mail.js');
    const one = await t.http.get(`/demo/mail/messages/${item.id}`).expect(200);
    expect(one.body).toMatchObject({ id: item.id, to: user.email, subject: item.subject });
    expect(one.body.text).toBe(parsed.text);
  });

  it('lets a newcomer reset a password from the mailbox alone', async () => {
    const user = await t.createUser();
    await t.http.post('/api/auth/password-reset').send({ email: user.email }).expect(202);
    const item = await waitForListed(user.email, /^Reset your/);
    const mail = (await t.http.get(`/demo/mail/messages/${item.id}`).expect(200)).body as {
      text: string;
    };
    // PUBLIC_URL defaults to http://localhost:PORT, where `npm start` serves this same page.
    const link = new URL(/http:\/\/localhost:\d+\/reset-password\?token=\S+/.exec(mail.text)![0]);
    await t.http.get(`${link.pathname}${link.search}`).expect(200);
    const token = link.searchParams.get('token');
    await t.http
      .post('/api/auth/password-reset/confirm')
      .send({ token, newPassword: 'Newcomer-pass-1' })
      .expect(204);
    await t.http
      .post('/api/auth/login')
      .send({ email: user.email, password: 'Newcomer-pass-1' })
      .expect(200);
  });

  it('answers 404 for an unknown email and refuses paths outside the mailbox', async () => {
    for (const id of ['nope', '..%2F..%2Fetc%2Fpasswd', '.hidden'])
      expect((await t.http.get(`/demo/mail/messages/${id}`)).status).toBe(404);
  });
});

describe('the demo mailbox elsewhere', () => {
  it('is absent when emails go to SMTP', async () => {
    const t = await createTestApp({ SMTP_URL: 'smtp://127.0.0.1:9', JOBS_WORKERS: 'false' });
    try {
      expect((await t.http.get('/demo/mail/messages')).status).toBe(404);
      expect((await t.http.get('/demo/mail')).status).toBe(404);
    } finally {
      await t.close();
    }
  });

  it('is absent in production, even with the demo page on', async () => {
    const t = await createTestApp({
      NODE_ENV: 'production',
      DEMO_ENABLED: 'true',
      JWT_SECRET: 'a-production-secret-of-forty-characters!',
      JOBS_WORKERS: 'false',
    });
    try {
      await t.http.get('/demo').expect(200);
      expect((await t.http.get('/demo/mail/messages')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
