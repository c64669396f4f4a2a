import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runGuestFlow } from '../../examples/spa-client/guest-flow.js';
import { createTestApp, type TestApp, uniqueEmail } from '../support/test-app.js';

/** The generated-client example of a guest purchase (type-checked by generated-client.e2e-spec). */
describe('a generated client checking out as a guest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs the guest flow: guest cart, idempotent guest checkout, order by token, live update', async () => {
    const staff = await t.createUser({ role: 'staff' });
    const [category] = await t.dataSource.query<Array<{ id: string }>>(
      `INSERT INTO categories (name, slug) VALUES ('Guest client test', $1) RETURNING id`,
      [`guest-client-${Date.now()}`],
    );
    await t.dataSource.query(
      `INSERT INTO products (name, slug, sku, price, currency, stock, category_id) VALUES ($1, $1, $1, 0, 'USD', 10, $2)`,
      [`guest-client-flow-${Date.now()}`, category?.id],
    );
    const email = uniqueEmail('spa-guest');
    const result = await runGuestFlow({
      baseUrl: t.baseUrl,
      staff: { email: staff.email, password: staff.password },
      email,
    });
    expect(result.order).toMatchObject({ userId: null, guestEmail: email, status: 'pending' });
    expect(result.pushedStatus).toBe('confirmed');
  });
});
