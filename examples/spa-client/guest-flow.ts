/**
 * A guest's purchase through the generated client (see shop-flow.ts for the signed-in one): a
 * guest cart by its cart token, `checkoutGuestCart` with an Idempotency-Key, the order read with
 * its order token, and its status followed over Socket.IO with that token.
 */
import createClient from 'openapi-fetch';
import { io } from 'socket.io-client';
import type { components, paths } from './generated/api.js';

type GuestOrder = components['schemas']['GuestOrder'];

export interface GuestFlowOptions {
  baseUrl: string;
  /** A staff account that confirms the order (the shop's back office). */
  staff: { email: string; password: string };
  /** The guest's contact address. */
  email: string;
  log?: (line: string) => void;
}

export interface GuestFlowResult {
  order: GuestOrder;
  /** The status the guest's socket was told of. */
  pushedStatus: string;
}

function ok<T>(result: { data?: T; error?: unknown; response: Response }, what: string): T {
  if (result.error !== undefined || result.data === undefined) {
    const message =
      (result.error as { message?: string } | undefined)?.message ?? result.response.statusText;
    throw new Error(`${what} failed: ${result.response.status} ${message}`);
  }
  return result.data;
}

export async function runGuestFlow(options: GuestFlowOptions): Promise<GuestFlowResult> {
  const log = options.log ?? (() => undefined);
  const api = createClient<paths>({ baseUrl: options.baseUrl });

  const page = ok(
    await api.GET('/api/products', { params: { query: { inStock: true, pageSize: 1 } } }),
    'listProducts',
  );
  const product = page.items[0];
  if (!product) throw new Error('the catalog has no product in stock');

  // The first add makes the guest cart; its token identifies it from then on.
  const cart = ok(
    await api.POST('/api/cart/items', { body: { productId: product.id, quantity: 1 } }),
    'addCartItem',
  );
  const cartToken = cart.cartToken;
  if (!cartToken) throw new Error('no cart token issued');

  // Check out as a guest; a retry with the same key answers the same order and token.
  const idempotencyKey = crypto.randomUUID();
  const checkout = () =>
    api.POST('/api/orders/guest', {
      params: { header: { 'X-Cart-Token': cartToken, 'Idempotency-Key': idempotencyKey } },
      body: {
        email: options.email,
        shippingAddress: {
          fullName: 'Guest Buyer',
          line1: '1 Example Street',
          city: 'Springfield',
          postalCode: '12345',
          country: 'US',
        },
      },
    });
  const order = ok(await checkout(), 'checkoutGuestCart');
  const retry = ok(await checkout(), 'checkoutGuestCart retry');
  if (retry.id !== order.id || retry.guestToken !== order.guestToken)
    throw new Error('an idempotent retry made another order');
  log(`guest order #${order.number} for ${order.guestEmail ?? '?'}: ${order.status}`);

  // The order token opens the order (and only it).
  const read = ok(
    await api.GET('/api/orders/{id}', {
      params: { path: { id: order.id }, header: { 'X-Order-Token': order.guestToken } },
    }),
    'getOrder',
  );
  if (read.id !== order.id) throw new Error('the order token opened another order');

  // Follow the order live with its token, and let staff confirm it.
  const socket = io(`${options.baseUrl}/notifications`, {
    auth: { orderToken: order.guestToken },
    transports: ['websocket'],
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  const pushed = new Promise<string>((resolve) =>
    socket.on('order_status_update', (update: { orderId: string; newStatus: string }) => {
      if (update.orderId === order.id) resolve(update.newStatus);
    }),
  );
  const staffApi = createClient<paths>({ baseUrl: options.baseUrl });
  const staff = ok(await staffApi.POST('/api/auth/login', { body: options.staff }), 'staff login');
  ok(
    await staffApi.PATCH('/api/orders/{id}/status', {
      params: { path: { id: order.id } },
      body: { status: 'confirmed' },
      headers: { Authorization: `Bearer ${staff.accessToken}` },
    }),
    'updateOrderStatus',
  );
  const pushedStatus = await Promise.race([
    pushed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no order_status_update within 5 s')), 5_000),
    ),
  ]);
  socket.close();
  log(`pushed: order #${order.number} → ${pushedStatus}`);
  return { order, pushedStatus };
}
