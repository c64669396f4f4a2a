/**
 * The canonical SPA client: a typed REST client generated from the OpenAPI document
 * (openapi-typescript → `generated/api.d.ts`, called through openapi-fetch) plus the Socket.IO
 * notification socket. It runs the whole shop flow; a renamed field in the API breaks its build.
 *
 *   npm run client:generate     # openapi.json → examples/spa-client/generated/api.d.ts
 *   npx tsc -p examples/spa-client --noEmit
 */
import createClient from 'openapi-fetch';
import { io, type Socket } from 'socket.io-client';
// The Socket.IO contract's event map (asyncapi.json is generated from it): plain types, no Nest.
import type {
  ClientToServerEvents,
  HandshakeAuth,
  OrderStatusUpdatePayload,
  ServerToClientEvents,
} from '../../src/notifications/socket-events.js';
import type { components, paths } from './generated/api.js';

type Order = components['schemas']['Order'];
type OrderStatusUpdate = OrderStatusUpdatePayload;

export interface ShopFlowOptions {
  baseUrl: string;
  /** A staff account that moves the order (what the shop's back office would do). */
  staff: { email: string; password: string };
  /** The customer to register. */
  customer: { email: string; password: string; name: string };
  log?: (line: string) => void;
}

export interface ShopFlowResult {
  order: Order;
  pushed: OrderStatusUpdate;
  caughtUp: string[];
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

export async function runShopFlow(options: ShopFlowOptions): Promise<ShopFlowResult> {
  const log = options.log ?? (() => undefined);
  const api = createClient<paths>({ baseUrl: options.baseUrl });
  let accessToken = '';
  api.use({
    onRequest: ({ request }) => (
      accessToken && request.headers.set('Authorization', `Bearer ${accessToken}`),
      request
    ),
  });

  // Register, then log in as a returning customer would.
  ok(await api.POST('/api/auth/register', { body: options.customer }), 'register');
  const session = ok(
    await api.POST('/api/auth/login', {
      body: { email: options.customer.email, password: options.customer.password },
    }),
    'login',
  );
  accessToken = session.accessToken;
  let refreshToken = session.refreshToken;
  log(
    `logged in as ${session.user.email} (${session.user.role}); token valid ${session.expiresIn}s`,
  );

  // Browse with filters, then read one product.
  const page = ok(
    await api.GET('/api/products', {
      params: { query: { inStock: true, sort: 'price', pageSize: 5, minPrice: 0 } },
    }),
    'listProducts',
  );
  const first = page.items[0];
  if (!first) throw new Error('the catalog has no product in stock');
  const product = ok(
    await api.GET('/api/products/{idOrSlug}', { params: { path: { idOrSlug: first.slug } } }),
    'getProduct',
  );
  log(
    `browsing: ${page.total} in stock; picked ${product.name} at ${product.price} ${product.currency} minor units`,
  );

  // Fill the cart.
  const cart = ok(
    await api.POST('/api/cart/items', { body: { productId: product.id, quantity: 2 } }),
    'addCartItem',
  );
  log(`cart: ${cart.itemCount} items, subtotal ${cart.subtotal}`);

  // Errors are a typed union: checking `code` narrows `details` to that code's shape.
  const quote = await api.POST('/api/cart/coupon/validate', { body: { code: 'NO-SUCH-COUPON' } });
  const refusal = quote.error;
  if (refusal === undefined) throw new Error('an unknown coupon applied');
  if (refusal.code === 'COUPON_NOT_FOUND') {
    log('coupon NO-SUCH-COUPON: no such coupon, as expected');
  } else if (refusal.code === 'COUPON_MINIMUM_NOT_MET') {
    throw new Error(`NO-SUCH-COUPON wants a minimum of ${refusal.details?.minOrderAmount}`);
  } else {
    throw new Error(`validateCoupon answered ${refusal.code}: ${refusal.message}`);
  }

  // Check out with an Idempotency-Key; a retry with the same key answers the same order.
  const idempotencyKey = crypto.randomUUID();
  const body = {
    shippingAddress: {
      fullName: options.customer.name,
      line1: '1 Example Street',
      city: 'Springfield',
      postalCode: '12345',
      country: 'US',
    },
  };
  const order = ok(
    await api.POST('/api/orders', {
      body,
      params: { header: { 'Idempotency-Key': idempotencyKey } },
    }),
    'checkout',
  );
  const retry = await api.POST('/api/orders', {
    body,
    params: { header: { 'Idempotency-Key': idempotencyKey } },
  });
  if (
    ok(retry, 'checkout retry').id !== order.id ||
    retry.response.headers.get('idempotent-replayed') !== 'true'
  ) {
    throw new Error('an idempotent retry made another order');
  }
  log(`order #${order.number}: ${order.status}, total ${order.total} ${order.currency}`);
  ok(await api.GET('/api/orders/{id}', { params: { path: { id: order.id } } }), 'getOrder');

  // Listen for live updates, then let staff confirm the order.
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(
    `${options.baseUrl}/notifications`,
    {
      auth: { token: accessToken } satisfies HandshakeAuth,
      transports: ['websocket'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  const pushed = new Promise<OrderStatusUpdate>((resolve) =>
    socket.on('order_status_update', (update) => resolve(update)),
  );
  const staffApi = createClient<paths>({ baseUrl: options.baseUrl });
  const staff = ok(await staffApi.POST('/api/auth/login', { body: options.staff }), 'staff login');
  ok(
    await staffApi.PATCH('/api/orders/{id}/status', {
      params: { path: { id: order.id } },
      body: { status: 'confirmed', note: 'payment received' },
      headers: { Authorization: `Bearer ${staff.accessToken}` },
    }),
    'updateOrderStatus',
  );
  const update = await Promise.race([
    pushed,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error('no order_status_update within 5 s')), 5_000),
    ),
  ]);
  socket.close();
  log(`pushed: order #${update.orderNumber} ${update.oldStatus} → ${update.newStatus}`);

  // The same change is stored: catch up as a client that was offline would.
  const missed = ok(
    await api.GET('/api/notifications', { params: { query: { limit: 10 } } }),
    'listNotifications',
  );
  const caughtUp = missed.items.map((n) => `${n.type}: ${n.title}`);
  log(`notifications: ${caughtUp.join(' | ')}`);

  // Refresh the session, then log out (the refresh token family is revoked).
  const refreshed = ok(
    await api.POST('/api/auth/refresh', { body: { refreshToken } }),
    'refreshToken',
  );
  accessToken = refreshed.accessToken;
  refreshToken = refreshed.refreshToken;
  ok(await api.GET('/api/me'), 'getMe');
  const logout = await api.POST('/api/auth/logout', { body: { refreshToken } });
  if (logout.response.status !== 204) throw new Error(`logout answered ${logout.response.status}`);
  const afterLogout = await api.POST('/api/auth/refresh', { body: { refreshToken } });
  if (afterLogout.response.status !== 401)
    throw new Error('a logged-out refresh token still works');
  log('refreshed, then logged out');

  return { order, pushed: update, caughtUp };
}
