import { randomInt } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { tally } from '../support/tally.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  type CartEdit,
  cartLines,
  outcomeOf,
  type RaceOutcome,
  sendEdit,
  serialOutcome,
} from './cart-race-model.js';
import {
  orderBuilders,
  type CartView,
  type OrderBuilders,
  type ProductView,
} from './order-builders.js';
import { type HeldLock, holdRowLock, releaseWhenQueued } from './row-lock.js';

/**
 * The order is exactly the cart the customer last saw: an edit racing a checkout of the same
 * cart either lands before the checkout reads the cart (the order shows it) or after it (a
 * change or removal of an ordered line is a 404, an add or a clear applies to the emptied
 * cart). Each race is checked against those two serial histories, so an edit answered 2xx and
 * then dropped by the checkout fails the test.
 */
describe('cart edits racing a checkout of the same cart', () => {
  let t: TestApp;
  let b: OrderBuilders;
  let a: ProductView;
  let z: ProductView;
  let extra: ProductView;
  beforeAll(async () => {
    t = await createTestApp();
    b = await orderBuilders(t);
    // Plenty of stock: only the cart decides what is ordered.
    [a, z, extra] = await Promise.all([1, 2, 3].map(() => b.product({ stock: 100_000 })));
  });
  afterAll(async () => {
    await t.close();
  });

  /** A customer with `a` ×2 and `z` ×3 in the cart, and the cart as they saw it. */
  const shopper = async (user?: TestUser): Promise<{ user: TestUser; before: CartView }> => {
    const customer = user ?? (await b.customer());
    await b.addToCart(customer, a.id, 2);
    return { user: customer, before: await b.addToCart(customer, z.id, 3) };
  };

  /**
   * Runs the checkout and the edit while `lock` is held, starting them in `order`, each once
   * the one before it queued (or, for an edit that does not wait, finished); then lets go.
   */
  const race = async (
    lock: HeldLock,
    user: TestUser,
    before: CartView,
    edit: CartEdit,
    order: Array<'checkout' | 'edit'>,
  ): Promise<RaceOutcome> => {
    const pending: Partial<Record<'checkout' | 'edit', Promise<Response>>> = {};
    const done = new Set<string>();
    try {
      for (const step of order) {
        const request = step === 'checkout' ? b.checkout(user) : sendEdit(t, user, before, edit);
        pending[step] = request.finally(() => done.add(step));
        const running = (): number => Object.keys(pending).filter((s) => !done.has(s)).length;
        const deadline = Date.now() + 10_000;
        while (!done.has(step) && (await lock.waiters()) < running()) {
          if (Date.now() > deadline) throw new Error(`${step} neither queued nor finished`);
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
    } finally {
      await lock.release();
    }
    const [checkout, edited] = await Promise.all([pending.checkout, pending.edit]);
    if (!checkout || !edited) throw new Error('both requests expected');
    return outcomeOf(checkout, edited, await b.getCart(user));
  };

  const KINDS = ['update', 'remove', 'clear', 'add'] as const;
  const NAMED = [
    ['a quantity change', 'update'],
    ['a line removal', 'remove'],
    ['emptying the cart', 'clear'],
    ['an add', 'add'],
  ] as const;
  /** A quantity change or removal of the `a` line, emptying the cart, or adding a new product. */
  const editOf = (kind: CartEdit['kind'], quantity = 7): CartEdit => {
    switch (kind) {
      case 'update':
        return { kind, productId: a.id, quantity };
      case 'remove':
        return { kind, productId: a.id };
      case 'clear':
        return { kind };
      case 'add':
        return { kind, productId: extra.id, quantity: 1 };
    }
  };

  it.each(NAMED)(
    'never drops %s sent while the checkout is mid-way: it comes after the order',
    async (_name, kind) => {
      const edit = editOf(kind);
      const { user, before } = await shopper();
      // The checkout locks the cart, reads it, then queues on the product rows held here.
      const lock = await holdRowLock(
        t,
        'SELECT 1 FROM products WHERE id = ANY($1::uuid[]) FOR NO KEY UPDATE',
        [[a.id, z.id]],
      );

      const outcome = await race(lock, user, before, edit, ['checkout', 'edit']);

      expect(outcome).toEqual(serialOutcome(cartLines(before), edit, 'checkout'));
    },
  );

  it.each(NAMED)('orders the cart with %s that reached it first', async (_name, kind) => {
    const edit = editOf(kind);
    const { user, before } = await shopper();
    // Both queue on the cart row held here: the edit first, then the checkout.
    const lock = await holdRowLock(t, 'SELECT 1 FROM carts WHERE user_id = $1 FOR UPDATE', [
      user.id,
    ]);

    const outcome = await race(lock, user, before, edit, ['edit', 'checkout']);

    expect(outcome).toEqual(serialOutcome(cartLines(before), edit, 'edit'));
  });

  it('answers 60 adds queued on one product row at once (3× the pool) without a 503', async () => {
    // A write holds its transaction's connection while it waits: if it then needed a second
    // one (rendering the cart through other services before committing), the 20 writes holding
    // the pool would wait for each other until the pool's timeout.
    const product = await b.product({ stock: 100 });
    const customers = await b.customers(60);
    // Their adds queue on the foreign-key check of the product row held here.
    const lock = await holdRowLock(t, 'SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [
      product.id,
    ]);

    // Let go once the pool (20) is spent: 19 adds hold a connection each, the lock holds one.
    const responses = await releaseWhenQueued(lock, 19, () =>
      customers.map((customer) =>
        t.http
          .post('/api/cart/items')
          .set('Authorization', customer.auth)
          .send({ productId: product.id, quantity: 1 })
          .then((r) => r),
      ),
    );

    expect(tally(responses)).toEqual({ 200: 60 });
  }, 60_000);

  const RACES = 40;
  it(`keeps ${RACES} random edit/checkout races equal to one of the two serial histories`, async () => {
    const customers = await b.customers(RACES);
    const seen = { edit: 0, checkout: 0 };
    for (const customer of customers) {
      const { user, before } = await shopper(customer);
      const edit = editOf(KINDS[randomInt(KINDS.length)] ?? 'update', randomInt(1, 6));
      // Either may start first, by up to a few milliseconds: both orders happen, and the edit
      // often lands while the checkout is mid-way.
      const delay = randomInt(-8, 16);
      const after = <T>(ms: number, send: () => Promise<T>): Promise<T> =>
        new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0))).then(send);

      const [checkout, edited] = await Promise.all([
        after(-delay, () => b.checkout(user)),
        after(delay, () => sendEdit(t, user, before, edit)),
      ]);

      const outcome = outcomeOf(checkout, edited, await b.getCart(user));
      const histories = {
        edit: serialOutcome(cartLines(before), edit, 'edit'),
        checkout: serialOutcome(cartLines(before), edit, 'checkout'),
      };
      const first = (['edit', 'checkout'] as const).find((k) =>
        isDeepStrictEqual(histories[k], outcome),
      );
      // On a mismatch, the diff shows the race beside both histories it should have matched.
      if (!first) expect({ edit, delay, outcome }).toEqual({ edit, delay, outcome: histories });
      else seen[first] += 1;
    }
    // Both orders happened (about 15 and 25 of 40 here): the loop did test something.
    expect(Math.min(seen.edit, seen.checkout)).toBeGreaterThan(0);
  }, 120_000);
});
