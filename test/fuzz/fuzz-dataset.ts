/**
 * The API fuzzer's dataset: a small shop (a catalog with variants, attributes, uploaded images
 * and coupons, made by staff), two customers who own the same kinds of objects (orders, cart
 * lines, notifications, addresses, public and private wishlists, pending and approved reviews),
 * and a guest cart. fuzz-context.ts keeps it up and lends its ids to the generators.
 */
import { PNG } from '../media/image-fixtures.js';
import type { TestApp, TestUser } from '../support/test-app.js';
import type { FilePart } from './openapi-arbitraries.js';

export type Customer = 'customer' | 'other';
/** Who owns an object: one of the two customers, or the guest holding the dataset's cart token. */
export type Owner = Customer | 'guest';
export type Kind =
  'order' | 'cartItem' | 'notification' | 'address' | 'wishlist' | 'shareToken' | 'review';

export interface Owned {
  owner: Owner;
  kind: Kind;
  /** Anyone may read it: an approved review, or the share token of a public wishlist. */
  isPublic: boolean;
}

/** An object that exists now, and its state (an order's or review's status, `public`). */
export interface Live {
  id: string;
  state: string;
}

export interface Ref {
  id: string;
  slug: string;
}

export type ImageOwner = 'products' | 'categories' | 'brands';
type Colour = 'red' | 'blue' | 'white' | 'green';

export interface Catalog {
  category: Ref;
  brand: Ref;
  /** Two products with plenty of stock, one with 3, one with 0. */
  products: Ref[];
  /** A product with variants of the colour attribute. */
  variantProduct: Ref;
  attribute: Ref & { values: Record<Colour, Ref> };
  /** Red (50 in stock), blue (inactive), white (2 in stock); no variant is green. */
  variants: Record<Exclude<Colour, 'green'>, string>;
  /** Two images each of the category, the brand and the first product. */
  images: Record<ImageOwner, { owner: Ref; imageIds: [string, string] }>;
  /** Objects nothing uses: the only ones the delete operations are given (besides white, green). */
  spare: { category: Ref; brand: Ref; product: Ref; attribute: Ref };
  /**
   * Coupons lent to customers (one with 3 uses, 1 per customer; one unlimited), and one whose code
   * no customer is ever given nor may ever see.
   */
  coupons: {
    redeemable: Array<{ id: string; code: string }>;
    secret: { id: string; code: string };
  };
}

export interface Dataset {
  customer: TestUser;
  other: TestUser;
  staff: TestUser;
  admin: TestUser;
  catalog: Catalog;
  /**
   * The first two products of the first catalog: both customers received them (a delivered
   * order), review them and keep them in their wishlists, whatever catalog the sweep makes.
   */
  received: Ref[];
  /** Every image of the catalog's image owners now, in their order (a reorder lists them all). */
  images: Record<ImageOwner, string[]>;
  /** Everything the customers and the guest ever owned, by id (or share token). */
  owned: Map<string, Owned>;
  /** What they own now, newest first (as of the last `prepare`). */
  live: Record<Owner, Record<Kind, Live[]>>;
  /** The guest cart's token (a new one when the fuzzer spent the cart, e.g. by logging in). */
  guestToken: string;
  /** Every coupon id: no customer may ever be shown one. */
  couponIds: string[];
  otherOrderId: string;
  /** The delivered orders that make the customers reviewers: the order operations leave them be. */
  receivedOrders: Set<string>;
  /** Spare sessions: the ones `logout` may end, and the ones `refreshToken` may spend and reuse. */
  refreshTokens: Record<'logout' | 'refresh', string[]>;
  cursors: string[];
}

/** The requests the dataset's setup and upkeep sent (the suite counts the fuzzed ones). */
export const setupRequests = { count: 0 };

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Record<string, string | undefined>;
}

/** A setup request: its answer, or a throw when it did not succeed (unless `lenient`). */
export async function call(
  t: TestApp,
  auth: string | undefined,
  method: Method,
  path: string,
  body?: object,
  { lenient = false, headers = {} }: { lenient?: boolean; headers?: Record<string, string> } = {},
): Promise<Answer> {
  setupRequests.count += 1;
  const req = t.http[method](path);
  if (auth) void req.set('Authorization', auth);
  for (const [name, value] of Object.entries(headers)) void req.set(name, value);
  const res = await req.send(body);
  if (!lenient && res.status >= 300)
    throw new Error(`fixture ${method} ${path}: ${res.status} ${res.text}`);
  return {
    status: res.status,
    body: res.body as Record<string, unknown>,
    headers: res.headers,
  };
}

const refOf = (body: Record<string, unknown>): Ref => ({
  id: String(body.id),
  slug: String(body.slug),
});

export const IMAGE: FilePart = { filename: 'fuzz.png', contentType: 'image/png', data: PNG };

/** Everything staff make: a fresh, uniquely named catalog each call. */
export async function seedCatalog(t: TestApp, staff: TestUser): Promise<Catalog> {
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const TAG = tag.toUpperCase();
  const post = async (path: string, body: object) =>
    (await call(t, staff.auth, 'post', path, body)).body;
  const category = refOf(await post('/api/categories', { name: `Fuzz cat ${tag}` }));
  const brand = refOf(await post('/api/brands', { name: `Fuzz brand ${tag}` }));
  const product = async (name: string, sku: string, price: number, stock: number) =>
    refOf(
      await post('/api/products', {
        name: `Fuzz ${name} ${tag}`,
        sku: `FZ-${TAG}-${sku}`,
        price,
        stock,
        categoryId: category.id,
        brandId: brand.id,
      }),
    );
  const products: Ref[] = [];
  for (const [i, stock] of [1_000, 1_000, 3, 0].entries())
    products.push(await product(`product ${i}`, String(i), 100 + i * 250, stock));
  const variantProduct = await product('variant product', 'V', 2_000, 0);
  const attributeBody = await post('/api/attributes', {
    name: `Fuzz colour ${tag}`,
    values: ['Red', 'Blue', 'White', 'Green'],
  });
  const [red, blue, white, green] = (attributeBody.values as Array<Record<string, unknown>>).map(
    refOf,
  );
  if (!red || !blue || !white || !green) throw new Error('fixture: attribute values');
  const variant = async (value: Ref, stock: number, isActive = true) =>
    String(
      (
        await post(`/api/products/${variantProduct.id}/variants`, {
          sku: `FZ-${TAG}-V-${value.slug}`.toUpperCase(),
          price: 2_100,
          stock,
          isActive,
          attributeValueIds: [value.id],
        })
      ).id,
    );
  const variants = {
    red: await variant(red, 50),
    blue: await variant(blue, 5, false),
    white: await variant(white, 2),
  };
  const images = {} as Catalog['images'];
  for (const [owner, ref] of [
    ['products', products[0]],
    ['categories', category],
    ['brands', brand],
  ] as const) {
    const ids: string[] = [];
    for (const altText of ['first', 'second']) {
      setupRequests.count += 1;
      const res = await t.http
        .post(`/api/${owner}/${ref.id}/images`)
        .set('Authorization', staff.auth)
        .field('altText', altText)
        .attach('file', IMAGE.data, { filename: IMAGE.filename, contentType: IMAGE.contentType });
      if (res.status !== 201) throw new Error(`fixture image: ${res.status} ${res.text}`);
      ids.push(String(res.body.id));
    }
    images[owner] = { owner: ref, imageIds: [String(ids[0]), String(ids[1])] };
  }
  const coupon = async (code: string, body: object) => {
    const created = await post('/api/coupons', { code: `FZ${TAG}${code}`, ...body });
    return { id: String(created.id), code: String(created.code) };
  };
  return {
    category,
    brand,
    products,
    variantProduct,
    attribute: { ...refOf(attributeBody), values: { red, blue, white, green } },
    variants,
    images,
    spare: {
      category: refOf(await post('/api/categories', { name: `Fuzz spare ${tag}` })),
      brand: refOf(await post('/api/brands', { name: `Fuzz spare ${tag}` })),
      product: await product('spare product', 'S', 50, 1),
      attribute: refOf(await post('/api/attributes', { name: `Fuzz spare ${tag}`, values: ['x'] })),
    },
    coupons: {
      redeemable: [
        await coupon('TEN', {
          discountType: 'percentage',
          discountValue: 10,
          usageLimit: 3,
          perUserLimit: 1,
        }),
        await coupon('FIFTY', { discountType: 'fixed', discountValue: 50 }),
      ],
      secret: await coupon('SECRET', { discountType: 'percentage', discountValue: 90 }),
    },
  };
}

export const ADDRESS = {
  fullName: 'Fuzz Tester',
  line1: '1 Property Lane',
  city: 'Testville',
  postalCode: '12345',
  country: 'GB',
};

/** Moves an order through every status to `delivered`, as staff. */
async function deliver(t: TestApp, staff: TestUser, orderId: string): Promise<void> {
  for (const status of ['confirmed', 'processing', 'shipped', 'delivered'])
    await call(t, staff.auth, 'patch', `/api/orders/${orderId}/status`, {
      status,
      ...(status === 'shipped' ? { trackingNumber: 'FZ-TRK-1' } : {}),
    });
}

/**
 * The users, the catalog, and per customer: a pending order, a delivered one (of the first two
 * products), a cart with a product and a variant line, two addresses, a public wishlist (its
 * first share token rotated away) and a private one, and reviews: the customer's pending, the
 * other's pending and approved. A guest cart with two lines. Spare sessions to spend.
 */
export async function buildDataset(t: TestApp): Promise<Dataset> {
  const [customer, other, staff, admin] = await Promise.all([
    t.createUser({ name: 'Fuzz Customer' }),
    t.createUser({ name: 'Fuzz Other' }),
    t.createUser({ role: 'staff' }),
    t.createUser({ role: 'admin' }),
  ]);
  setupRequests.count += 6; // four registrations, two logins with a role
  const catalog = await seedCatalog(t, staff);
  const [p0, p1] = catalog.products as [Ref, Ref];
  const redLine = {
    productId: catalog.variantProduct.id,
    variantId: catalog.variants.red,
    quantity: 1,
  };
  let otherOrderId = '';
  const owned = new Map<string, Owned>();
  const receivedOrders = new Set<string>();
  for (const user of [customer, other]) {
    const as = (method: Method, path: string, body?: object) =>
      call(t, user.auth, method, path, body).then((res) => res.body);
    await as('post', '/api/cart/items', { productId: p0.id, quantity: 2 });
    const pending = await as('post', '/api/orders', { shippingAddress: ADDRESS });
    if (user === other) otherOrderId = String(pending.id);
    await as('post', '/api/cart/items', { productId: p0.id, quantity: 1 });
    await as('post', '/api/cart/items', { productId: p1.id, quantity: 1 });
    const received = await as('post', '/api/orders', { shippingAddress: ADDRESS });
    receivedOrders.add(String(received.id));
    await deliver(t, staff, String(received.id));
    await as('post', '/api/cart/items', { productId: p1.id, quantity: 1 });
    await as('post', '/api/cart/items', redLine);
    await as('post', '/api/me/addresses', { ...ADDRESS, label: 'Home' });
    await as('post', '/api/me/addresses', { ...ADDRESS, label: 'Work', city: 'Elsewhere' });
    const shared = await as('post', '/api/wishlists', { name: 'Fuzz public', isPublic: true });
    await as('post', `/api/wishlists/${String(shared.id)}/items`, { productId: p0.id });
    await as('post', `/api/wishlists/${String(shared.id)}/share-token`);
    // Rotated away: no one may reach the list by it any more.
    owned.set(String(shared.shareToken), {
      owner: user === customer ? 'customer' : 'other',
      kind: 'shareToken',
      isPublic: false,
    });
    const secret = await as('post', '/api/wishlists', { name: 'Fuzz private' });
    await as('post', `/api/wishlists/${String(secret.id)}/items`, { productId: p0.id });
    await as('post', `/api/wishlists/${String(secret.id)}/items`, {
      productId: catalog.variantProduct.id,
    });
    const review = { rating: 4, title: 'Fuzzed', text: 'Survived the fuzzer.' };
    await as('post', `/api/products/${p0.id}/reviews`, review);
    if (user === other) {
      const approved = await as('post', `/api/products/${p1.id}/reviews`, review);
      await call(t, staff.auth, 'patch', `/api/reviews/${String(approved.id)}/status`, {
        status: 'approved',
      });
    }
  }
  const guest = await call(t, undefined, 'post', '/api/cart/items', {
    productId: p0.id,
    quantity: 1,
  });
  const guestToken = String(guest.headers['x-cart-token']);
  await call(t, undefined, 'post', '/api/cart/items', redLine, {
    headers: { 'X-Cart-Token': guestToken },
  });
  const refreshTokens: Dataset['refreshTokens'] = { logout: [], refresh: [] };
  for (const pool of [refreshTokens.logout, refreshTokens.refresh])
    for (const user of [customer, other]) {
      const res = await call(t, undefined, 'post', '/api/auth/login', {
        email: user.email,
        password: user.password,
      });
      pool.push(String(res.body.refreshToken));
    }
  const page = await call(t, undefined, 'get', '/api/products?pageSize=1');
  const cursors = [page.body.nextCursor].filter((c): c is string => typeof c === 'string');
  return {
    customer,
    other,
    staff,
    admin,
    catalog,
    received: [p0, p1],
    images: { products: [], categories: [], brands: [] },
    owned,
    live: emptyLive(),
    guestToken,
    couponIds: [],
    otherOrderId,
    receivedOrders,
    refreshTokens,
    cursors,
  };
}

const KINDS: readonly Kind[] = [
  'order',
  'cartItem',
  'notification',
  'address',
  'wishlist',
  'shareToken',
  'review',
];
export const emptyLive = (): Dataset['live'] => {
  const byKind = () =>
    Object.fromEntries(KINDS.map((k) => [k, []])) as unknown as Record<Kind, Live[]>;
  return { customer: byKind(), other: byKind(), guest: byKind() };
};
