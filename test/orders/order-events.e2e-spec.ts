import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StockChanged } from '@/catalog/events/stock-changed.event.js';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import { OrderCreated } from '@/orders/events/order-created.event.js';
import { OrderStatusChanged } from '@/orders/events/order-status-changed.event.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { orderBuilders, type OrderBuilders } from './order-builders.js';
import { expectError, expectStatus } from './order-expect.js';

/**
 * The bus's promise: in-transaction handlers commit or roll back with the change, after-commit
 * handlers see only committed changes, once. Handlers registered here stay for the app's life,
 * so this suite has an app of its own and every handler acts only on the ids a test names.
 */
describe('domain events of orders', () => {
  let t: TestApp;
  let b: OrderBuilders;
  /** Orders whose status-change handler fails inside the transaction. */
  const failingOrders = new Set<string>();
  /** Customers whose order-created handler fails inside the transaction. */
  const failingBuyers = new Set<string>();
  /** Orders whose after-commit handler throws (must not reach the request). */
  const throwingAfterCommit = new Set<string>();
  const statusChanges: OrderStatusChanged[] = [];
  const creations: OrderCreated[] = [];
  const stockChanges: StockChanged[] = [];

  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
    const bus = t.app.get(DomainEventBus);
    // Registered after the orders module's own handlers: the history row is already written
    // when this one fails, so a rollback has something to undo.
    const failure = () => Promise.reject(new Error('in-transaction handler failed'));
    bus.onInTransaction(OrderStatusChanged, (event) =>
      failingOrders.has(event.orderId) ? failure() : Promise.resolve(),
    );
    bus.onInTransaction(OrderCreated, (event) =>
      failingBuyers.has(event.userId ?? '') ? failure() : Promise.resolve(),
    );
    bus.onAfterCommit(OrderStatusChanged, (event) => {
      statusChanges.push(event);
      if (throwingAfterCommit.has(event.orderId)) throw new Error('after-commit handler failed');
    });
    bus.onAfterCommit(OrderCreated, (event) => {
      creations.push(event);
    });
    bus.onAfterCommit(StockChanged, (event) => {
      stockChanges.push(event);
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const changesOf = (orderId: string) => statusChanges.filter((e) => e.orderId === orderId);
  const stockChangesOf = (slug: string) =>
    stockChanges.filter((e) => e.productSlugs.includes(slug));

  it('delivers a committed status change once, after commit, with the order number and both statuses', async () => {
    const { customer, order } = await b.placeOrder();
    expectStatus(await b.move(order.id, { status: 'confirmed', note: 'paid' }), 200);

    expect(changesOf(order.id)).toEqual([
      expect.objectContaining({
        orderId: order.id,
        orderNumber: order.number,
        userId: customer.id,
        oldStatus: 'pending',
        newStatus: 'confirmed',
        byUserId: b.staff.id,
        note: 'paid',
      }),
    ]);
  });

  it('delivers a committed checkout once: OrderCreated and StockChanged', async () => {
    const { customer, product, order } = await b.placeOrder({ quantity: 2 });
    expect(creations.filter((e) => e.orderId === order.id)).toEqual([
      expect.objectContaining({
        orderId: order.id,
        orderNumber: order.number,
        userId: customer.id,
        total: order.total,
        currency: 'USD',
      }),
    ]);
    expect(stockChangesOf(product.slug)).toEqual([
      expect.objectContaining({ productSlugs: [product.slug], inStockFlipped: false }),
    ]);
  });

  it('rolls back a status change whose in-transaction handler fails, and publishes nothing', async () => {
    const { customer, order } = await b.placeOrder();
    failingOrders.add(order.id);

    const res = await b.move(order.id, { status: 'confirmed' });

    const body = expectError(res, 500, 'INTERNAL_ERROR');
    expect(body.message).not.toMatch(/handler/);
    expect(await b.statusOf(order.id)).toBe('pending');
    // The history row the orders module wrote before the failure went with the rollback.
    expect(await b.historyCount(order.id)).toBe(1);
    expect(changesOf(order.id)).toEqual([]);
    expect(await b.getOrder(order.id, customer)).toEqual(order);
  });

  it('rolls back a failed cancellation whole: the stock stays taken, no stock event', async () => {
    const { customer, product, order } = await b.placeOrder({ quantity: 3 });
    const before = stockChangesOf(product.slug).length;
    failingOrders.add(order.id);

    expectError(await b.cancel(order.id, customer), 500, 'INTERNAL_ERROR');

    expect(await b.statusOf(order.id)).toBe('pending');
    expect(await b.stockOf(product.id)).toBe(7);
    expect(changesOf(order.id)).toEqual([]);
    expect(stockChangesOf(product.slug)).toHaveLength(before);
  });

  it('rolls back a checkout whose in-transaction handler fails: no order, stock and cart kept', async () => {
    const customer = await b.customer();
    const product = await b.product({ stock: 4 });
    await b.addToCart(customer, product.id, 2);
    failingBuyers.add(customer.id);

    expectError(await b.checkout(customer), 500, 'INTERNAL_ERROR');

    const [row] = await t.dataSource.query<Array<{ n: number }>>(
      'SELECT count(*)::int AS n FROM orders WHERE user_id = $1',
      [customer.id],
    );
    expect(row?.n).toBe(0);
    expect(await b.stockOf(product.id)).toBe(4);
    expect((await b.getCart(customer)).itemCount).toBe(2);
    expect(creations.filter((e) => e.userId === customer.id)).toEqual([]);
    expect(stockChangesOf(product.slug)).toEqual([]);
  });

  it('delivers only the change that committed when a failed attempt came first', async () => {
    const { order } = await b.placeOrder();
    failingOrders.add(order.id);
    expectError(await b.move(order.id, { status: 'confirmed' }), 500, 'INTERNAL_ERROR');
    failingOrders.delete(order.id);

    const res = await b.move(order.id, { status: 'confirmed' });

    expectStatus(res, 200);
    expect(changesOf(order.id)).toEqual([
      expect.objectContaining({ oldStatus: 'pending', newStatus: 'confirmed' }),
    ]);
    expect(await b.historyCount(order.id)).toBe(2);
  });

  it('publishes nothing for a move the state machine refuses', async () => {
    const { order } = await b.placeOrder();
    expectError(await b.move(order.id, { status: 'shipped' }), 409, 'ILLEGAL_ORDER_TRANSITION');
    expect(changesOf(order.id)).toEqual([]);
  });

  it('keeps a failing after-commit handler out of the response', async () => {
    const { customer, order } = await b.placeOrder();
    throwingAfterCommit.add(order.id);

    const res = await b.move(order.id, { status: 'confirmed' });

    expectStatus(res, 200);
    expect(changesOf(order.id)).toHaveLength(1);
    expect((await b.getOrder(order.id, customer)).status).toBe('confirmed');
  });
});
