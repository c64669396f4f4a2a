import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { expectError, expectFieldError, expectStatus } from '../orders/order-expect.js';
import {
  orderBuilders,
  type OrderBuilders,
  type OrderPage,
  type OrderView,
} from '../orders/order-builders.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';

/** The instants the orders of `dated` are given (created_at has millisecond precision). */
const AT = {
  dayBeforeEnd: '2031-03-09T23:59:59.999Z',
  dayStart: '2031-03-10T00:00:00.000Z',
  morning: '2031-03-10T09:00:00.000Z',
  dayEnd: '2031-03-10T23:59:59.999Z',
  nextDayStart: '2031-03-11T00:00:00.000Z',
} as const;
type Moment = keyof typeof AT;

describe('listOrders filters: date range and payment status', () => {
  let t: TestApp;
  let b: OrderBuilders;
  /** One customer's orders, each created at one of the AT instants. */
  let customer: TestUser;
  let dated: Record<Moment, OrderView>;

  const list = async (query: Record<string, string>, actor: TestUser = b.staff) => {
    const res = await t.http.get('/api/orders').query(query).set('Authorization', actor.auth);
    return res;
  };
  /** The moments (AT keys) of the customer's orders a staff query returns, oldest first. */
  const momentsOf = async (query: Record<string, string>): Promise<Moment[]> => {
    const res = await list({ userId: customer.id, pageSize: '100', ...query });
    expectStatus(res, 200);
    const ids = (res.body as OrderPage).items.map((o) => o.id).reverse();
    return ids.map((id) => {
      const entry = Object.entries(dated).find(([, order]) => order.id === id);
      if (!entry) throw new Error(`unexpected order ${id}`);
      return entry[0] as Moment;
    });
  };

  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
    customer = await b.customer();
    const orders: Partial<Record<Moment, OrderView>> = {};
    for (const moment of Object.keys(AT) as Moment[]) {
      const { order } = await b.placeOrder({ customer });
      await t.dataSource.query('UPDATE orders SET created_at = $1 WHERE id = $2', [
        AT[moment],
        order.id,
      ]);
      orders[moment] = order;
    }
    dated = orders as Record<Moment, OrderView>;
  });
  afterAll(async () => {
    await t.close();
  });

  it('includes both bounds of a date-time range, to the millisecond', async () => {
    expect(await momentsOf({ createdFrom: AT.dayStart, createdTo: AT.dayEnd })).toEqual([
      'dayStart',
      'morning',
      'dayEnd',
    ]);
    expect(
      await momentsOf({ createdFrom: '2031-03-10T00:00:00.001Z', createdTo: AT.dayEnd }),
    ).toEqual(['morning', 'dayEnd']);
    expect(
      await momentsOf({ createdFrom: AT.dayStart, createdTo: '2031-03-10T23:59:59.998Z' }),
    ).toEqual(['dayStart', 'morning']);
  });

  it('reads a date alone as the whole UTC day', async () => {
    expect(await momentsOf({ createdFrom: '2031-03-10', createdTo: '2031-03-10' })).toEqual([
      'dayStart',
      'morning',
      'dayEnd',
    ]);
    expect(await momentsOf({ createdTo: '2031-03-09' })).toEqual(['dayBeforeEnd']);
    expect(await momentsOf({ createdFrom: '2031-03-11' })).toEqual(['nextDayStart']);
  });

  it('takes one open-ended bound at a time', async () => {
    expect(await momentsOf({ createdFrom: AT.morning })).toEqual([
      'morning',
      'dayEnd',
      'nextDayStart',
    ]);
    expect(await momentsOf({ createdTo: AT.morning })).toEqual([
      'dayBeforeEnd',
      'dayStart',
      'morning',
    ]);
  });

  it('honours the offset of a date-time', async () => {
    // 10:00 at +01:00 is 09:00 UTC; 04:00 at −05:00 is 09:00 UTC.
    expect(
      await momentsOf({
        createdFrom: '2031-03-10T10:00:00+01:00',
        createdTo: '2031-03-10T04:00:00-05:00',
      }),
    ).toEqual(['morning']);
  });

  it('accepts equal bounds (one instant) and answers an empty page when nothing matches', async () => {
    expect(await momentsOf({ createdFrom: AT.morning, createdTo: AT.morning })).toEqual([
      'morning',
    ]);
    const res = await list({ userId: customer.id, createdFrom: '2031-03-12' });
    expectStatus(res, 200);
    expect(res.body).toEqual({ items: [], page: 1, pageSize: 20, total: 0, totalPages: 0 });
  });

  it('pages and counts within the range', async () => {
    const res = await list({
      userId: customer.id,
      createdFrom: '2031-03-10',
      createdTo: '2031-03-11',
      pageSize: '2',
      page: '2',
    });
    expectStatus(res, 200);
    const page = res.body as OrderPage;
    expect(page).toMatchObject({ page: 2, pageSize: 2, total: 4, totalPages: 2 });
    expect(page.items.map((o) => o.id)).toEqual([dated.morning.id, dated.dayStart.id]);
    expect(page.items[0]?.createdAt).toBe(AT.morning);
  });

  it.each([
    ['createdFrom', 'yesterday'],
    ['createdFrom', '2031-02-30'],
    ['createdFrom', '2031-13-01'],
    ['createdFrom', '0000-01-01'],
    ['createdFrom', '2031-03-10T09:00:00'],
    ['createdTo', '2031-03-10T24:00:00Z'],
    ['createdTo', '1773133200000'],
    ['createdTo', '2031-03-10 09:00:00Z'],
    ['createdTo', ''],
    ['createdTo', "2031-03-10' OR '1'='1"],
  ])('rejects %s=%j with 400 and the error shape', async (field, value) => {
    const body = expectFieldError(await list({ [field]: value }), field);
    expect(body.message).toMatch(/ISO 8601/);
  });

  it('rejects a repeated date parameter with 400', async () => {
    const res = await t.http
      .get('/api/orders?createdFrom=2031-03-10&createdFrom=2031-03-11')
      .set('Authorization', b.staff.auth);
    expectFieldError(res, 'createdFrom');
  });

  it('rejects createdTo before createdFrom with 400 on createdTo', async () => {
    const body = expectFieldError(
      await list({ createdFrom: AT.morning, createdTo: '2031-03-10T08:59:59.999Z' }),
      'createdTo',
    );
    expect(body.message).toBe('createdTo: createdTo must not be before createdFrom');
    expectFieldError(
      await list({ createdFrom: '2031-03-11', createdTo: '2031-03-10' }),
      'createdTo',
    );
    // The same day as a date and a later time of that day as a date-time is not "before".
    expectStatus(await list({ createdFrom: AT.morning, createdTo: '2031-03-10' }), 200);
  });

  it('filters by payment status, alone and with status and dates', async () => {
    const paid = await b.orderIn('confirmed');
    const voided = await b.orderIn('cancelled');
    const owner = { userId: paid.customer.id };
    const ofPaid = async (query: Record<string, string>) => {
      const res = await list({ ...owner, ...query });
      expectStatus(res, 200);
      return (res.body as OrderPage).items.map((o) => o.id);
    };
    expect(await ofPaid({ paymentStatus: 'paid' })).toEqual([paid.order.id]);
    expect(await ofPaid({ paymentStatus: 'pending' })).toEqual([]);
    expect(await ofPaid({ paymentStatus: 'paid', status: 'confirmed' })).toEqual([paid.order.id]);
    expect(await ofPaid({ paymentStatus: 'paid', status: 'pending' })).toEqual([]);
    expect(await ofPaid({ paymentStatus: 'paid', createdTo: '2031-01-01' })).toEqual([
      paid.order.id,
    ]);
    expect(await ofPaid({ paymentStatus: 'paid', createdFrom: '2031-01-01' })).toEqual([]);

    const res = await list({ userId: voided.customer.id, paymentStatus: 'voided' });
    expectStatus(res, 200);
    expect((res.body as OrderPage).items.map((o) => [o.id, o.paymentStatus])).toEqual([
      [voided.order.id, 'voided'],
    ]);
    // Every order of the whole list with that payment status, and only those.
    const all = await list({ paymentStatus: 'voided', pageSize: '100' });
    expect((all.body as OrderPage).items.every((o) => o.paymentStatus === 'voided')).toBe(true);
  });

  it.each(['unpaid', 'PAID', ''])('rejects paymentStatus=%j with 400', async (value) => {
    expectFieldError(await list({ paymentStatus: value }), 'paymentStatus');
  });

  it("lets a customer filter their own orders only, never another's", async () => {
    const other = await b.placeOrder();
    const res = await list(
      { createdFrom: '2031-03-10', userId: other.customer.id, pageSize: '100' },
      customer,
    );
    expectStatus(res, 200);
    expect((res.body as OrderPage).items.map((o) => o.id).sort()).toEqual(
      [dated.dayStart.id, dated.morning.id, dated.dayEnd.id, dated.nextDayStart.id].sort(),
    );
    const pending = await list({ paymentStatus: 'pending', pageSize: '100' }, other.customer);
    expect((pending.body as OrderPage).items.map((o) => o.id)).toEqual([other.order.id]);
  });

  it('answers 401 without a token', async () => {
    expectError(await t.http.get('/api/orders?createdFrom=2031-03-10'), 401, 'UNAUTHORIZED');
  });
});
