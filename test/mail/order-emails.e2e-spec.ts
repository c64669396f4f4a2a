import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type OrderBuilders, orderBuilders } from '../orders/order-builders.js';
import { createTestApp, JOBS_SCHEMA, type TestApp } from '../support/test-app.js';
import { TestMailServer } from './mail-server.js';

const PUBLIC_URL = 'https://shop.example';

describe('order emails', () => {
  const smtp = new TestMailServer();
  let t: TestApp;
  let b: OrderBuilders;
  beforeAll(async () => {
    await smtp.start();
    t = await createTestApp({ SMTP_URL: smtp.url, PUBLIC_URL });
    b = await orderBuilders(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  /** Waits until the outbox event of `type` for `orderId` is dispatched; answers its id. */
  const dispatched = async (orderId: string, type: string, status?: string): Promise<string> => {
    for (const deadline = Date.now() + 15_000; Date.now() < deadline; await sleep(100)) {
      const [row] = await t.dataSource.query<Array<{ id: string }>>(
        `SELECT id FROM outbox_events
          WHERE aggregate_id = $1 AND type = $2 AND dispatched_at IS NOT NULL
            AND ($3::text IS NULL OR payload->'order'->>'status' = $3)`,
        [orderId, type, status ?? null],
      );
      if (row) return row.id;
    }
    throw new Error(`${type} of order ${orderId} not dispatched`);
  };
  /** Mail jobs enqueued for an outbox event (none: no email decided). */
  const mailJobsOf = async (eventId: string): Promise<number> => {
    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      `SELECT count(*)::int AS n FROM ${JOBS_SCHEMA}.job WHERE name = 'mail-send' AND data->>'eventId' = $1`,
      [eventId],
    );
    return row?.n ?? 0;
  };

  it('confirms an order by email, in text and HTML, with its lines, total and link', async () => {
    const { customer, order } = await b.placeOrder({ quantity: 2, product: { price: 1250 } });
    const mail = await smtp.waitFor(customer.email, new RegExp(`order #${order.number}$`));
    expect(mail.text).toContain(`order #${order.number}`);
    expect(mail.text).toMatch(/2 × Product \w+ +\$25\.00/);
    expect(mail.text).toMatch(/Total +\$25\.00/);
    expect(mail.text).toContain(`${PUBLIC_URL}/orders/${order.id}`);
    expect(mail.html).toContain(`href="${PUBLIC_URL}/orders/${order.id}"`);
    expect(mail.html).toContain('$25.00');
    expect(mail.text).toContain('email notifications are on in your profile');
    // Stable per event and template: a retried email carries the same Message-ID.
    const eventId = await dispatched(order.id, 'order.created');
    expect(mail.messageId).toBe(`<${eventId}.order-confirmation@localhost>`);
  });

  it('tells the customer of each status change', async () => {
    const { customer, order } = await b.placeOrder();
    await b.move(order.id, { status: 'confirmed' }).then((r) => expect(r.status).toBe(200));
    const confirmed = await smtp.waitFor(customer.email, new RegExp(`#${order.number} confirmed`));
    expect(confirmed.text).toContain(`Order #${order.number} is confirmed`);
    expect(confirmed.text).toContain(`${PUBLIC_URL}/orders/${order.id}`);
    await b.cancel(order.id, customer).then((r) => expect(r.status).toBe(200));
    await smtp.waitFor(customer.email, new RegExp(`#${order.number} cancelled`));
  });

  it('sends no order email when the profile turns email notifications off; account emails still go', async () => {
    const customer = await t.createUser();
    await t.http
      .patch('/api/me/profile')
      .set('Authorization', customer.auth)
      .send({ preferences: { emailNotifications: false } })
      .expect(200);
    const { order } = await b.placeOrder({ customer });
    await b.move(order.id, { status: 'confirmed' }).then((r) => expect(r.status).toBe(200));
    expect(await mailJobsOf(await dispatched(order.id, 'order.created'))).toBe(0);
    expect(await mailJobsOf(await dispatched(order.id, 'order.status_changed'))).toBe(0);

    await t.http.post('/api/auth/password-reset').send({ email: customer.email }).expect(202);
    // Both account emails, in whichever order the mail jobs ran; no order email among them.
    await smtp.waitFor(customer.email, /^Confirm your email address/);
    await smtp.waitFor(customer.email, /^Reset your/);
    expect(
      smtp
        .to(customer.email)
        .map((m) => m.subject)
        .sort(),
    ).toEqual([
      expect.stringMatching(/^Confirm your email address/),
      expect.stringMatching(/^Reset your/),
    ]);
  });

  it('sends order emails to a customer who turned notifications back on', async () => {
    const customer = await t.createUser();
    const setEmails = (on: boolean) =>
      t.http
        .patch('/api/me/profile')
        .set('Authorization', customer.auth)
        .send({ preferences: { emailNotifications: on } })
        .expect(200);
    await setEmails(false);
    await setEmails(true);
    const { order } = await b.placeOrder({ customer });
    await smtp.waitFor(customer.email, new RegExp(`order #${order.number}$`));
  });

  it('loses no email while SMTP is down: the job retries, and readiness stays up', async () => {
    const { customer, order } = await b.placeOrder();
    await smtp.waitFor(customer.email, new RegExp(`order #${order.number}$`));
    await smtp.stop();
    try {
      await b.move(order.id, { status: 'confirmed' }).then((r) => expect(r.status).toBe(200));
      const eventId = await dispatched(order.id, 'order.status_changed', 'confirmed');
      // The first attempt failed (connection refused): the job waits for its retry.
      for (let deadline = Date.now() + 15_000; ; await sleep(100)) {
        const [job] = await t.dataSource.query<Array<{ state: string }>>(
          `SELECT state FROM ${JOBS_SCHEMA}.job WHERE name = 'mail-send' AND data->>'eventId' = $1`,
          [eventId],
        );
        if (job?.state === 'retry') break;
        if (Date.now() > deadline) throw new Error(`mail job state ${job?.state}, not retry`);
      }
      await t.http.get('/health/ready').expect(200);
    } finally {
      await smtp.start();
    }
    const mail = await smtp.waitFor(customer.email, new RegExp(`#${order.number} confirmed`), {
      timeoutMs: 30_000,
    });
    expect(mail.text).toContain(`Order #${order.number} is confirmed`);
  }, 60_000);
});
