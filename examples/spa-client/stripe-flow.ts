/**
 * A card purchase through the generated client in a shop running `PAYMENT_PROVIDER=stripe` (see
 * shop-flow.ts for the whole signed-in flow, guest-flow.ts for the guest one). The buyer signs in
 * or stays a guest, fills the cart, checks out with an Idempotency-Key, pays the order's
 * PaymentIntent with Stripe.js, and waits for the server to say the order is paid: Stripe tells
 * the server through its webhook, never the browser.
 *
 * In a browser the payment step is Stripe.js; here it is the `pay(clientSecret)` callback, since
 * an example run has no browser and no network (the e2e test plays Stripe's part).
 */
import createClient from 'openapi-fetch';
import { io, type Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  HandshakeAuth,
  OrderStatusUpdatePayload,
  ServerToClientEvents,
} from '../../src/notifications/socket-events.js';
import type { components, paths } from './generated/api.js';

type Order = components['schemas']['Order'];
type Payment = components['schemas']['Payment'];

export type StripeBuyer =
  { kind: 'customer'; email: string; password: string } | { kind: 'guest'; email: string };

export interface StripeFlowOptions {
  baseUrl: string;
  buyer: StripeBuyer;
  /** The product the buyer picked (its slug, as in the product page's URL). */
  productSlug: string;
  quantity?: number;
  /**
   * Pays the PaymentIntent whose client secret is given. In a browser, with Stripe.js:
   *
   *   const stripe = await loadStripe('pk_test_…'); // the publishable key, never the secret one
   *   const elements = stripe.elements({ clientSecret });
   *   elements.create('payment').mount('#payment-element');
   *   // when the buyer presses "Pay":
   *   const { error } = await stripe.confirmPayment({
   *     elements,
   *     confirmParams: { return_url: `${location.origin}/orders/${orderId}` },
   *   });
   *   if (error) showError(error.message); // declined: they may try again, same client secret
   */
  pay: (clientSecret: string) => Promise<void>;
  /** How long to wait for the server to see the payment (default 60 s). */
  timeoutMs?: number;
  /** A read of the order this often while no push arrives (default 2 s): pushes can be missed. */
  pollIntervalMs?: number;
  log?: (line: string) => void;
}

export interface StripeFlowResult {
  /** The order as checkout answered it (with its client secret). */
  order: Order;
  /** The retried checkout's answer (same Idempotency-Key): the same order and payment. */
  retried: Order;
  /** The order once the server saw the payment: paid and confirmed. */
  paid: Order;
  /** The live update that announced it, when the socket delivered one before a read saw it. */
  pushed?: OrderStatusUpdatePayload;
}

/** Throws with the API's error message when a call failed. */
function ok<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.error !== undefined || result.data === undefined) {
    const message =
      (result.error as { message?: string } | undefined)?.message ?? result.response.statusText;
    throw new Error(`${what} failed: ${result.response.status} ${message}`);
  }
  return result.data;
}

const shippingAddress = {
  fullName: 'Card Buyer',
  line1: '1 Example Street',
  city: 'Springfield',
  postalCode: '12345',
  country: 'US',
};

export async function runStripeFlow(options: StripeFlowOptions): Promise<StripeFlowResult> {
  const log = options.log ?? (() => undefined);
  const { buyer } = options;
  const api = createClient<paths>({ baseUrl: options.baseUrl });
  let accessToken = '';
  api.use({
    onRequest: ({ request }) => {
      if (accessToken) request.headers.set('Authorization', `Bearer ${accessToken}`);
      return request;
    },
  });

  if (buyer.kind === 'customer') {
    const session = ok(
      await api.POST('/api/auth/login', {
        body: { email: buyer.email, password: buyer.password },
      }),
      'login',
    );
    accessToken = session.accessToken;
    log(`signed in as ${session.user.email}`);
  }

  const product = ok(
    await api.GET('/api/products/{idOrSlug}', {
      params: { path: { idOrSlug: options.productSlug } },
    }),
    'getProduct',
  );
  const cart = ok(
    await api.POST('/api/cart/items', {
      body: { productId: product.id, quantity: options.quantity ?? 1 },
    }),
    'addCartItem',
  );
  // A guest's first add makes a guest cart; its token names that cart from then on.
  const cartToken = cart.cartToken ?? '';
  if (buyer.kind === 'guest' && !cartToken) throw new Error('no cart token issued to the guest');
  log(`cart: ${cart.itemCount} × ${product.name}, subtotal ${cart.subtotal} ${product.currency}`);

  // Check out with an Idempotency-Key. A guest also gets an order token, which reads the order
  // (X-Order-Token) and opens a socket on it.
  const idempotencyKey = crypto.randomUUID();
  const checkout = async (): Promise<{ order: Order; orderToken?: string; replayed: boolean }> => {
    if (buyer.kind === 'customer') {
      const answer = await api.POST('/api/orders', {
        body: { shippingAddress },
        params: { header: { 'Idempotency-Key': idempotencyKey } },
      });
      const replayed = answer.response.headers.get('idempotent-replayed') === 'true';
      return { order: ok(answer, 'checkout'), replayed };
    }
    const answer = await api.POST('/api/orders/guest', {
      body: { email: buyer.email, shippingAddress },
      params: { header: { 'X-Cart-Token': cartToken, 'Idempotency-Key': idempotencyKey } },
    });
    const { guestToken, ...order } = ok(answer, 'checkoutGuestCart');
    const replayed = answer.response.headers.get('idempotent-replayed') === 'true';
    return { order, orderToken: guestToken, replayed };
  };
  const { order, orderToken } = await checkout();
  const getOrder = async (): Promise<Order> =>
    ok(
      await api.GET('/api/orders/{id}', {
        params: {
          path: { id: order.id },
          header: orderToken ? { 'X-Order-Token': orderToken } : undefined,
        },
      }),
      'getOrder',
    );
  log(
    `order #${order.number}: ${order.total} ${order.currency}, paying by ${order.payment.provider}`,
  );

  // The order carries what Stripe.js needs. If Stripe could not be reached at checkout the
  // order still exists, without a client secret: the next read of the order creates its payment.
  let payment: Payment = order.payment;
  if (payment.provider !== 'stripe')
    throw new Error(`this shop takes payments by ${payment.provider}, not by card`);
  if (!payment.clientSecret) payment = (await getOrder()).payment;
  const clientSecret = payment.clientSecret;
  if (!clientSecret) throw new Error('the card payment is not available yet: try again shortly');

  // A retry (a lost answer, a double click) with the same key answers the same order and payment.
  const again = await checkout();
  if (
    !again.replayed ||
    again.order.id !== order.id ||
    again.orderToken !== orderToken ||
    again.order.payment.clientSecret !== clientSecret
  )
    throw new Error('a retried checkout answered another order or payment');

  // Listen before paying: the confirmation may come back before pay() returns.
  const auth: HandshakeAuth = orderToken ? { orderToken } : { token: accessToken };
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(
    `${options.baseUrl}/notifications`,
    { auth, transports: ['websocket'] },
  );
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (error) => reject(error));
    });
    let pushed: OrderStatusUpdatePayload | undefined;
    let woken = false; // a push arrived since the last read
    let wake = (): void => undefined;
    socket.on('order_status_update', (update) => {
      if (update.orderId !== order.id) return;
      pushed = update;
      woken = true;
      wake();
    });

    await options.pay(clientSecret);

    // The server's word is the order: read it on each push for this order, and every
    // pollIntervalMs in case a push was missed, until it is paid or the time is up.
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      woken = false;
      const current = await getOrder();
      if (current.paymentStatus === 'paid' && current.status === 'confirmed') {
        log(`order #${current.number} paid and ${current.status}`);
        return { order, retried: again.order, paid: current, pushed };
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `order #${current.number} not paid in time: payment ${current.paymentStatus}, order ${current.status}` +
            (current.paymentStatus === 'failed'
              ? ' (declined: pay again, same client secret)'
              : ''),
        );
      if (woken) continue; // pushed while reading: read again at once
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, options.pollIntervalMs ?? 2_000));
        wake = () => (clearTimeout(timer), resolve());
      });
    }
  } finally {
    socket.close();
  }
}
