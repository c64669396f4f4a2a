import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { TokensService } from '@/accounts/tokens.service.js';
import { type TestApp, type TestUser, uniqueEmail } from '../support/test-app.js';
import { expectStatus } from './order-expect.js';

export interface ProductView {
  id: string;
  slug: string;
  name: string;
  sku: string;
  price: number;
  currency: string;
  stock: number;
  inStock: boolean;
  isActive: boolean;
  category: { id: string; slug: string; name: string };
}

export interface CartLineView {
  id: string;
  product: ProductView;
  quantity: number;
  lineTotal: number;
  issue: 'unavailable' | 'insufficient_stock' | null;
}

export interface CartView {
  id: string;
  items: CartLineView[];
  itemCount: number;
  subtotal: number;
  currency: string;
}

export type OrderStatus =
  'pending' | 'confirmed' | 'processing' | 'shipped' | 'delivered' | 'refunded' | 'cancelled';

export interface Address {
  fullName: string;
  line1: string;
  line2?: string;
  city: string;
  region?: string;
  postalCode: string;
  country: string;
  phone?: string;
}

export interface OrderView {
  id: string;
  number: string;
  userId: string;
  status: OrderStatus;
  paymentStatus: 'pending' | 'paid' | 'refunded' | 'voided';
  items: Array<{
    productId: string;
    sku: string;
    name: string;
    unitPrice: number;
    quantity: number;
    lineTotal: number;
  }>;
  subtotal: number;
  shippingAmount: number;
  taxAmount: number;
  discountAmount: number;
  total: number;
  currency: string;
  shippingAddress: Address;
  billingAddress: Address;
  notes: string | null;
  trackingNumber: string | null;
  history: Array<{
    from: OrderStatus | null;
    to: OrderStatus;
    at: string;
    by: string | null;
    note: string | null;
  }>;
  createdAt: string;
  updatedAt: string;
}

export interface OrderPage {
  items: OrderView[];
  page: number;
  pageSize: number;
  total: number;
  totalPages: number;
}

export const ADDRESS: Address = {
  fullName: 'Ada Lovelace',
  line1: '12 Analytical Row',
  line2: 'Flat 3',
  city: 'London',
  region: 'Greater London',
  postalCode: 'SW1A 1AA',
  country: 'GB',
  phone: '+44 20 7946 0958',
};

/** A unique lower-case word, so names, slugs and SKUs never collide with another test's. */
export function uniqueWord(length = 10): string {
  return Array.from(randomBytes(length), (b) => String.fromCharCode(97 + (b % 26))).join('');
}

/** The staff path an order takes, in order; `cancelled` is reached from `pending`. */
const FORWARD: OrderStatus[] = [
  'pending',
  'confirmed',
  'processing',
  'shipped',
  'delivered',
  'refunded',
];

export interface PlacedOrder {
  customer: TestUser;
  product: ProductView;
  order: OrderView;
}

/** Builds shop data through the API, as clients do; stock is read back with SQL. */
export interface OrderBuilders {
  staff: TestUser;
  /** A fresh category of the test's own: a list scoped to its slug shows only its products. */
  category(): Promise<{ id: string; slug: string }>;
  /** A product (price 1000, stock 10 unless given) in the builders' category unless given. */
  product(body?: Record<string, unknown>): Promise<ProductView>;
  updateProduct(id: string, body: Record<string, unknown>): Promise<ProductView>;
  /**
   * A logged-in customer of the test's own. Registration (scrypt) would dominate these suites'
   * time, so one customer is registered through the API and the others are copies of its row
   * (same password) with tokens issued by the app's TokensService: real, working sessions.
   */
  customer(): Promise<TestUser>;
  /** `count` customers at once (races), made as {@link customer} makes one. */
  customers(count: number): Promise<TestUser[]>;
  getCart(user: TestUser): Promise<CartView>;
  addToCart(user: TestUser, productId: string, quantity: number): Promise<CartView>;
  /** Puts `quantity` of the product in every user's cart with SQL (race setups; no checks). */
  fillCarts(users: TestUser[], productId: string, quantity: number): Promise<void>;
  /** POST /api/orders as `user`; the body defaults to `{shippingAddress: ADDRESS}`. */
  checkout(user: TestUser, body?: object, idempotencyKey?: string): Promise<Response>;
  /** A customer who bought `quantity` (1) of a fresh product (price 1000, stock 10 unless given). */
  placeOrder(options?: {
    customer?: TestUser;
    quantity?: number;
    product?: Record<string, unknown>;
  }): Promise<PlacedOrder>;
  /** A placed order moved by staff to `status` along the legal path. */
  orderIn(status: OrderStatus): Promise<PlacedOrder>;
  /** PATCH /api/orders/{id}/status as `actor` (staff unless given). */
  move(orderId: string, body: Record<string, unknown>, actor?: TestUser): Promise<Response>;
  cancel(orderId: string, actor: TestUser, body?: object): Promise<Response>;
  getOrder(orderId: string, actor: TestUser): Promise<OrderView>;
  /** The product's stock as the database has it. */
  stockOf(productId: string): Promise<number>;
  /** Rows of `order_status_history` of this order (what the database has, not the API). */
  historyCount(orderId: string): Promise<number>;
  /** The order's status as the database has it. */
  statusOf(orderId: string): Promise<string>;
}

export async function orderBuilders(t: TestApp): Promise<OrderBuilders> {
  const staff = await t.createUser({ role: 'staff' });
  const as = (user: TestUser) => ({ Authorization: user.auth });
  let template: Promise<TestUser> | undefined;

  const category = async () => {
    const res = await t.http
      .post('/api/categories')
      .set(as(staff))
      .send({ name: `Category ${uniqueWord()}` });
    expectStatus(res, 201);
    return res.body as { id: string; slug: string };
  };
  const shared = await category();

  const b: OrderBuilders = {
    staff,
    category,
    async product(body = {}) {
      const res = await t.http
        .post('/api/products')
        .set(as(staff))
        .send({
          name: `Product ${uniqueWord()}`,
          sku: `${uniqueWord(8).toUpperCase()}-1`,
          price: 1000,
          stock: 10,
          categoryId: shared.id,
          ...body,
        });
      expectStatus(res, 201);
      return res.body as ProductView;
    },
    async updateProduct(id, body) {
      const res = await t.http.patch(`/api/products/${id}`).set(as(staff)).send(body);
      expectStatus(res, 200);
      return res.body as ProductView;
    },
    async customer() {
      const [user] = await b.customers(1);
      if (!user) throw new Error('no customer made');
      return user;
    },
    async customers(count) {
      template ??= t.createUser();
      const registered = await template;
      const emails = Array.from({ length: count }, () => uniqueEmail('customer'));
      const rows = await t.dataSource.query<Array<{ id: string; email: string }>>(
        `INSERT INTO users (email, password_hash, name)
         SELECT e, u.password_hash, u.name FROM unnest($1::text[]) AS e, users u WHERE u.id = $2
         RETURNING id, email`,
        [emails, registered.id],
      );
      const tokens = t.app.get(TokensService);
      return Promise.all(
        rows.map(async ({ id, email }) => {
          const pair = await tokens.issue({ id, email, role: 'customer' });
          return {
            ...registered,
            id,
            email,
            accessToken: pair.accessToken,
            refreshToken: pair.refreshToken,
            auth: `Bearer ${pair.accessToken}`,
          };
        }),
      );
    },
    async getCart(user) {
      const res = await t.http.get('/api/cart').set(as(user));
      expectStatus(res, 200);
      return res.body as CartView;
    },
    async addToCart(user, productId, quantity) {
      const res = await t.http.post('/api/cart/items').set(as(user)).send({ productId, quantity });
      expectStatus(res, 200);
      return res.body as CartView;
    },
    async fillCarts(users, productId, quantity) {
      await t.dataSource.query(
        `WITH made AS (
           INSERT INTO carts (user_id) SELECT unnest($1::uuid[])
           ON CONFLICT (user_id) DO UPDATE SET updated_at = now() RETURNING id)
         INSERT INTO cart_items (cart_id, product_id, quantity) SELECT id, $2, $3 FROM made`,
        [users.map((u) => u.id), productId, quantity],
      );
    },
    async checkout(user, body = { shippingAddress: ADDRESS }, idempotencyKey) {
      const req = t.http.post('/api/orders').set(as(user));
      if (idempotencyKey !== undefined) void req.set('Idempotency-Key', idempotencyKey);
      return req.send(body);
    },
    async placeOrder(options = {}) {
      const customer = options.customer ?? (await b.customer());
      const product = await b.product(options.product);
      await b.addToCart(customer, product.id, options.quantity ?? 1);
      const res = await b.checkout(customer);
      expectStatus(res, 201);
      return { customer, product, order: res.body as OrderView };
    },
    async orderIn(status) {
      const placed = await b.placeOrder();
      const path =
        status === 'cancelled' ? ['cancelled'] : FORWARD.slice(1, FORWARD.indexOf(status) + 1);
      let order = placed.order;
      for (const to of path) {
        const res = await b.move(
          order.id,
          to === 'shipped' ? { status: to, trackingNumber: 'TRK-1' } : { status: to },
        );
        expectStatus(res, 200);
        order = res.body as OrderView;
      }
      return { ...placed, order };
    },
    move: (orderId, body, actor = staff) =>
      t.http
        .patch(`/api/orders/${orderId}/status`)
        .set(as(actor))
        .send(body)
        .then((r) => r),
    cancel: (orderId, actor, body = {}) =>
      t.http
        .post(`/api/orders/${orderId}/cancel`)
        .set(as(actor))
        .send(body)
        .then((r) => r),
    async getOrder(orderId, actor) {
      const res = await t.http.get(`/api/orders/${orderId}`).set(as(actor));
      expectStatus(res, 200);
      return res.body as OrderView;
    },
    async stockOf(productId) {
      const [row] = await t.dataSource.query<Array<{ stock: number }>>(
        'SELECT stock FROM products WHERE id = $1',
        [productId],
      );
      if (!row) throw new Error(`product ${productId} is gone`);
      return row.stock;
    },
    async historyCount(orderId) {
      const [row] = await t.dataSource.query<Array<{ n: number }>>(
        'SELECT count(*)::int AS n FROM order_status_history WHERE order_id = $1',
        [orderId],
      );
      return row?.n ?? 0;
    },
    async statusOf(orderId) {
      const [row] = await t.dataSource.query<Array<{ status: string }>>(
        'SELECT status FROM orders WHERE id = $1',
        [orderId],
      );
      if (!row) throw new Error(`order ${orderId} is gone`);
      return row.status;
    },
  };
  return b;
}
