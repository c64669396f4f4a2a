import type { Response } from 'supertest';
import type { TestApp, TestUser } from '../support/test-app.js';
import type { CartView, OrderView } from './order-builders.js';

/** Cart or order contents: `[productId, quantity]` pairs sorted by product id. */
export type Lines = Array<[string, number]>;

/** A cart edit a customer sends while a checkout of the same cart runs. */
export type CartEdit =
  | { kind: 'update'; productId: string; quantity: number }
  | { kind: 'remove'; productId: string }
  | { kind: 'clear' }
  | { kind: 'add'; productId: string; quantity: number };

/** What the customer sees of one race: both answers and the cart afterwards. */
export interface RaceOutcome {
  checkout: number;
  /** The order's lines (a 201), else null. */
  ordered: Lines | null;
  edit: number;
  /** The cart the edit's answer showed (add and update answer the cart), else null. */
  shown: Lines | null;
  /** The cart as read once both are done. */
  cart: Lines;
}

const sorted = (lines: Lines): Lines => [...lines].sort(([a], [b]) => a.localeCompare(b));

export const cartLines = (cart: CartView): Lines =>
  sorted(cart.items.map((i): [string, number] => [i.product.id, i.quantity]));

export const orderLines = (order: OrderView): Lines =>
  sorted(order.items.map((i): [string, number] => [i.productId, i.quantity]));

/** The edit applied alone to `cart`: an update or removal of a line the cart lacks is a 404. */
function applyEdit(
  cart: Lines,
  edit: CartEdit,
): { status: number; cart: Lines; shown: Lines | null } {
  if (edit.kind === 'clear') return { status: 204, cart: [], shown: null };
  const has = cart.some(([id]) => id === edit.productId);
  switch (edit.kind) {
    case 'update': {
      if (!has) return { status: 404, cart, shown: null };
      const next = cart.map(([id, q]): [string, number] => [
        id,
        id === edit.productId ? edit.quantity : q,
      ]);
      return { status: 200, cart: next, shown: next };
    }
    case 'remove':
      return has
        ? { status: 204, cart: cart.filter(([id]) => id !== edit.productId), shown: null }
        : { status: 404, cart, shown: null };
    case 'add': {
      const next = sorted(
        has
          ? cart.map(([id, q]): [string, number] => [
              id,
              id === edit.productId ? q + edit.quantity : q,
            ])
          : [...cart, [edit.productId, edit.quantity]],
      );
      return { status: 200, cart: next, shown: next };
    }
  }
}

/**
 * What a race must look like if the edit and the checkout ran one after the other, `first`
 * first: the checkout orders exactly the cart it finds (an empty one is a 400) and empties it;
 * the edit applies to the cart it finds.
 */
export function serialOutcome(
  before: Lines,
  edit: CartEdit,
  first: 'edit' | 'checkout',
): RaceOutcome {
  const checkout = (cart: Lines) =>
    cart.length > 0
      ? { status: 201, ordered: cart, cart: [] as Lines }
      : { status: 400, ordered: null, cart };
  if (first === 'edit') {
    const e = applyEdit(before, edit);
    const c = checkout(e.cart);
    return { checkout: c.status, ordered: c.ordered, edit: e.status, shown: e.shown, cart: c.cart };
  }
  const c = checkout(before);
  const e = applyEdit(c.cart, edit);
  return { checkout: c.status, ordered: c.ordered, edit: e.status, shown: e.shown, cart: e.cart };
}

/** Sends the edit as `user`; lines are named by product and found in `before`. */
export function sendEdit(
  t: TestApp,
  user: TestUser,
  before: CartView,
  edit: CartEdit,
): Promise<Response> {
  const auth = { Authorization: user.auth };
  const lineOf = (productId: string): string => {
    const line = before.items.find((i) => i.product.id === productId);
    if (!line) throw new Error(`no line of ${productId} in the cart`);
    return line.id;
  };
  switch (edit.kind) {
    case 'update':
      return t.http
        .patch(`/api/cart/items/${lineOf(edit.productId)}`)
        .set(auth)
        .send({ quantity: edit.quantity })
        .then((r) => r);
    case 'remove':
      return t.http
        .delete(`/api/cart/items/${lineOf(edit.productId)}`)
        .set(auth)
        .then((r) => r);
    case 'clear':
      return t.http
        .delete('/api/cart')
        .set(auth)
        .then((r) => r);
    case 'add':
      return t.http
        .post('/api/cart/items')
        .set(auth)
        .send({ productId: edit.productId, quantity: edit.quantity })
        .then((r) => r);
  }
}

/** The race as observed: both answers, then the cart read back. */
export function outcomeOf(checkout: Response, edit: Response, cartAfter: CartView): RaceOutcome {
  return {
    checkout: checkout.status,
    ordered: checkout.status === 201 ? orderLines(checkout.body as OrderView) : null,
    edit: edit.status,
    shown: edit.status === 200 ? cartLines(edit.body as CartView) : null,
    cart: cartLines(cartAfter),
  };
}
