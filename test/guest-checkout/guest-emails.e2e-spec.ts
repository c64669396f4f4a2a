import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { TestMailServer } from '../mail/mail-server.js';
import { orderBuilders, type OrderBuilders } from '../orders/order-builders.js';
import { expectStatus } from '../orders/order-expect.js';
import { createTestApp, type TestApp, uniqueEmail } from '../support/test-app.js';
import { GUEST_ENV, guestCheckout } from './guest-checkout-helpers.js';

const PUBLIC_URL = 'https://shop.example';

/** A guest order's emails go to the address given at checkout, and never carry its token. */
describe('guest order emails', () => {
  const smtp = new TestMailServer();
  let t: TestApp;
  let b: OrderBuilders;
  let g: ReturnType<typeof guestCheckout>;
  beforeAll(async () => {
    await smtp.start();
    t = await createTestApp({ ...GUEST_ENV, SMTP_URL: smtp.url, PUBLIC_URL });
    b = await orderBuilders(t);
    g = guestCheckout(t);
  });
  afterAll(async () => {
    await t.close();
    await smtp.stop();
  });

  it('confirms the order and tells of its status changes at the contact address', async () => {
    const product = await b.product({ price: 1250 });
    const email = uniqueEmail('guest-mail');
    const order = await g.order(product.id, { email }, 2);

    const mail = await smtp.waitFor(email, new RegExp(`order #${order.number}$`));
    expect(mail.text).toMatch(/2 × Product \w+ +\$25\.00/);
    expect(mail.text).toContain(`${PUBLIC_URL}/orders/${order.id}`);
    expect(mail.text).not.toContain(order.guestToken);
    expect(mail.html).not.toContain(order.guestToken);
    // No profile, so no "notifications are on in your profile" footer.
    expect(mail.text).not.toContain('in your profile');

    expectStatus(await g.cancel(order.id, order.guestToken), 200);
    const cancelled = await smtp.waitFor(email, new RegExp(`#${order.number} cancelled`));
    expect(cancelled.text).not.toContain(order.guestToken);
  });
});
