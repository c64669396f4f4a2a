/**
 * The shop flow through a second reader of openapi.json: the SDK that @hey-api/openapi-ts
 * generates (`heyapi/`, one function per operationId over fetch) with its zod plugin, so every
 * successful JSON response is parsed against the document's schema before the flow sees it. A
 * response the document does not describe (a missing field, a null where none is allowed, an
 * unknown enum value) fails the call here, even when openapi-typescript's types were satisfied.
 *
 *   npm run client:generate:heyapi   # openapi.json → examples/spa-client/heyapi/ (Node >= 22.18)
 *
 * The generated code is plain TypeScript over fetch and zod: it runs on any supported Node.
 */
import { createClient, createConfig } from './heyapi/client/index.js';
import {
  addCartItem,
  checkout,
  getOrder,
  getProduct,
  listProducts,
  login,
  register,
  validateCoupon,
} from './heyapi/sdk.gen.js';
import type { Order } from './heyapi/types.gen.js';
import { zCouponNotFoundError } from './heyapi/zod.gen.js';

export interface HeyApiShopFlowOptions {
  baseUrl: string;
  /** The customer to register. */
  customer: { email: string; password: string; name: string };
  log?: (line: string) => void;
  /** The fetch the client calls (default: the global one); tests use it to alter responses. */
  fetch?: typeof fetch;
}

export interface HeyApiShopFlowResult {
  order: Order;
  /** The `code` of the typed error branch (an unknown coupon). */
  refusedWith: string;
  /** Whether the idempotent retry was answered from the stored first answer. */
  replayed: boolean;
}

/** A response whose body did not match its schema in openapi.json. */
export class ContractMismatchError extends Error {
  constructor(
    readonly operation: string,
    readonly status: number,
    readonly issues: unknown,
  ) {
    super(
      `${operation}: the ${status} response does not match openapi.json: ${JSON.stringify(issues)}`,
    );
    this.name = 'ContractMismatchError';
  }
}

interface SdkResult<T> {
  data?: T;
  error?: unknown;
  response?: Response;
}

/**
 * The data of a successful call. The hey-api client reports a failed response validation as
 * `error` on a response that is `ok`; an API error has a non-2xx status and the one error shape.
 */
function ok<T>(result: SdkResult<T>, operation: string): T {
  const status = result.response?.status ?? 0;
  if (result.response?.ok === true && result.error !== undefined) {
    const issues = (result.error as { issues?: unknown }).issues ?? result.error;
    throw new ContractMismatchError(operation, status, issues);
  }
  if (result.error !== undefined || result.data === undefined) {
    const message =
      (result.error as { message?: string } | undefined)?.message ??
      (result.error instanceof Error ? result.error.message : 'no response');
    throw new Error(`${operation} failed: ${status} ${message}`);
  }
  return result.data;
}

export async function runHeyApiShopFlow(
  options: HeyApiShopFlowOptions,
): Promise<HeyApiShopFlowResult> {
  const log = options.log ?? (() => undefined);
  let accessToken = '';
  // Its own client (not the generated module-level one): two flows can run side by side. `auth`
  // is asked for the token on the operations whose `security` names the bearer scheme.
  const client = createClient(
    createConfig({
      baseUrl: options.baseUrl,
      auth: () => accessToken || undefined,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
  );

  ok(await register({ client, body: options.customer }), 'register');
  const session = ok(
    await login({
      client,
      body: { email: options.customer.email, password: options.customer.password },
    }),
    'login',
  );
  accessToken = session.accessToken;
  log(`logged in as ${session.user.email} (${session.user.role})`);

  // Browse with filters, then read one product by slug.
  const page = ok(
    await listProducts({
      client,
      query: { inStock: true, sort: 'price', pageSize: 5, minPrice: 0 },
    }),
    'listProducts',
  );
  const first = page.items[0];
  if (!first) throw new Error('the catalog has no product in stock');
  const product = ok(await getProduct({ client, path: { idOrSlug: first.slug } }), 'getProduct');
  log(`browsing: ${page.total} in stock; picked ${product.name} at ${product.price}`);

  const cart = ok(
    await addCartItem({ client, body: { productId: product.id, quantity: 2 } }),
    'addCartItem',
  );
  log(`cart: ${cart.itemCount} items, subtotal ${cart.subtotal}`);

  // The typed error branch: `error` is the union of the operation's documented errors, and
  // checking `code` narrows it. The error body is checked against its zod schema too.
  const quote = await validateCoupon({ client, body: { code: 'NO-SUCH-COUPON' } });
  const refusal = quote.error;
  if (refusal === undefined) throw new Error('an unknown coupon applied');
  if (refusal.code === 'COUPON_MINIMUM_NOT_MET') {
    throw new Error(`NO-SUCH-COUPON wants a minimum of ${refusal.details?.minOrderAmount}`);
  }
  if (refusal.code !== 'COUPON_NOT_FOUND') {
    throw new Error(`validateCoupon answered ${refusal.code}: ${refusal.message}`);
  }
  const checked = zCouponNotFoundError.safeParse(refusal);
  if (!checked.success) {
    throw new ContractMismatchError('validateCoupon', 404, checked.error.issues);
  }
  const refusedWith = refusal.code;
  log(`coupon NO-SUCH-COUPON refused: ${refusal.message}`);

  // Check out with an Idempotency-Key; the retry with the same key answers the same order.
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
    await checkout({ client, body, headers: { 'Idempotency-Key': idempotencyKey } }),
    'checkout',
  );
  const retry = await checkout({ client, body, headers: { 'Idempotency-Key': idempotencyKey } });
  const replayed = retry.response?.headers.get('idempotent-replayed') === 'true';
  if (ok(retry, 'checkout retry').id !== order.id) {
    throw new Error('an idempotent retry made another order');
  }
  log(`order #${order.number}: ${order.status}, total ${order.total} ${order.currency}`);

  const read = ok(await getOrder({ client, path: { id: order.id } }), 'getOrder');
  if (read.id !== order.id) throw new Error('getOrder answered another order');

  return { order: read, refusedWith, replayed };
}
