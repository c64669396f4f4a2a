/**
 * Property-based fuzzing of every operation in openapi.json (see docs/security.md).
 *
 * One app and a small fixed dataset; for each operation, fast-check generates requests from the
 * document's schemas (valid, boundary and invalid values, wrong types, missing and extra fields,
 * huge strings and bodies, unicode, injection strings, random path ids) and sends them with a
 * random caller: nobody, a customer, another customer, staff, admin, or a bad token. Every
 * response must be below 500, in the one error shape when it is an error, and free of stack
 * traces and SQL; customers must never reach each other's objects or staff-only operations.
 * Then a deterministic sweep puts each of a dozen bad values into each field and parameter of
 * each operation, one at a time. Afterwards the data invariants are checked in SQL.
 *
 * The seed is fixed (FUZZ_SEED, default 20261126) so a CI failure replays; FUZZ_RUNS sets the
 * runs per operation (default 60; a sixth of that for the three operations that hash passwords):
 * with the sweep about 4,400 requests. `npm run fuzz` is the long run. FUZZ_SLOW=1 prints the
 * requests over 300 ms, FUZZ_DEBUG=1 the answer to each sweep's valid base request.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import {
  createTestApp,
  STRONG_PASSWORD,
  type TestApp,
  type TestUser,
} from '../support/test-app.js';
import {
  describeCase,
  destroyAgent,
  errorShapeProblem,
  leakProblem,
  send,
  sentText,
} from './fuzz-support.js';
import {
  faultTargets,
  type FuzzContext,
  nested,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  requestOf,
  toRequest,
  validPartsOf,
  withFault,
} from './openapi-arbitraries.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20261126);
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);
const document = JSON.parse(
  readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'),
) as OpenApiDocument;
const operations = operationsOf(document);

/** Operations only staff (and admins) may perform, and those only admins may. */
const STAFF_ONLY = new Set([
  'createProduct',
  'updateProduct',
  'deleteProduct',
  'createCategory',
  'updateCategory',
  'deleteCategory',
  'createBrand',
  'updateBrand',
  'deleteBrand',
  'updateOrderStatus',
]);
const ADMIN_ONLY = new Set(['listUsers', 'updateUserRole']);
/**
 * Operations whose valid requests hash a password (scrypt, about a second on a small machine):
 * a sixth of the runs, so the suite keeps to a few minutes.
 */
const PASSWORD_HASHING = new Set(['login', 'register', 'changePassword']);
const runsOf = (op: Operation): number =>
  PASSWORD_HASHING.has(op.operationId) ? Math.ceil(RUNS / 6) : RUNS;

type Actor = 'anonymous' | 'customer' | 'other' | 'staff' | 'admin' | 'bad token';
const ACTORS = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Actor>('anonymous') },
  { weight: 4, arbitrary: fc.constant<Actor>('customer') },
  { weight: 2, arbitrary: fc.constant<Actor>('other') },
  { weight: 2, arbitrary: fc.constant<Actor>('staff') },
  { weight: 2, arbitrary: fc.constant<Actor>('admin') },
  { weight: 1, arbitrary: fc.constant<Actor>('bad token') },
);
const BAD_TOKENS = fc.constantFrom(
  'Bearer ',
  'Bearer null',
  'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6ImFkbWluIn0.',
  'Bearer ' + 'a'.repeat(3_000),
  'Basic YWRtaW46YWRtaW4=',
  "Bearer ' OR 1=1 --",
);

type Kind = 'order' | 'cartItem' | 'notification';

interface Dataset {
  customer: TestUser;
  other: TestUser;
  staff: TestUser;
  admin: TestUser;
  categoryIds: string[];
  categorySlugs: string[];
  brandIds: string[];
  brandSlugs: string[];
  productIds: string[];
  productSlugs: string[];
  /** Objects owned by one of the two customers: path ids the other one must never reach. */
  ownerOf: Map<string, 'customer' | 'other'>;
  /** What each owned id is. */
  kindOf: Map<string, Kind>;
  otherOrderId: string;
  refreshTokens: string[];
  cursors: string[];
}

const ADDRESS = {
  fullName: 'Fuzz Tester',
  line1: '1 Property Lane',
  city: 'Testville',
  postalCode: '12345',
  country: 'GB',
};

describe('API fuzzing from openapi.json', () => {
  let t: TestApp;
  let d: Dataset;
  let cases = 0;
  const statuses = new Map<string, Map<number, number>>();
  const violations: string[] = [];
  /** Operations whose property ran (all of them, unless jest's -t picked some). */
  const propertiesRun: Operation[] = [];
  const started = Date.now();

  const api = async (
    user: TestUser,
    method: 'post' | 'get',
    path: string,
    body?: object,
  ): Promise<Record<string, unknown>> => {
    const res = await t.http[method](path).set('Authorization', user.auth).send(body);
    if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body as Record<string, unknown>;
  };

  /** A category, a brand and four products (two with plenty of stock, one with 3, one with 0). */
  async function seedCatalog(staff: TestUser) {
    const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
    const category = await api(staff, 'post', '/api/categories', { name: `Fuzz cat ${tag}` });
    const brand = await api(staff, 'post', '/api/brands', { name: `Fuzz brand ${tag}` });
    const products: Array<Record<string, unknown>> = [];
    for (const [i, stock] of [1_000, 1_000, 3, 0].entries()) {
      products.push(
        await api(staff, 'post', '/api/products', {
          name: `Fuzz product ${tag} ${i}`,
          sku: `FZ-${tag}-${i}`.toUpperCase(),
          price: 100 + i * 250,
          stock,
          categoryId: category.id,
          brandId: brand.id,
        }),
      );
    }
    return {
      categoryIds: [String(category.id)],
      categorySlugs: [String(category.slug)],
      brandIds: [String(brand.id)],
      brandSlugs: [String(brand.slug)],
      productIds: products.map((p) => String(p.id)),
      productSlugs: products.map((p) => String(p.slug)),
    };
  }

  beforeAll(async () => {
    t = await createTestApp();
    const [customer, other, staff, admin] = await Promise.all([
      t.createUser({ name: 'Fuzz Customer' }),
      t.createUser({ name: 'Fuzz Other' }),
      t.createUser({ role: 'staff' }),
      t.createUser({ role: 'admin' }),
    ]);
    const catalog = await seedCatalog(staff);
    const { productIds } = catalog;
    const ownerOf = new Map<string, 'customer' | 'other'>();
    const kindOf = new Map<string, Kind>();
    const userIds = new Map([
      ['customer', customer],
      ['other', other],
    ] as const);
    let otherOrderId = '';
    for (const [who, user] of userIds) {
      await api(user, 'post', '/api/cart/items', { productId: productIds[0], quantity: 2 });
      const order = await api(user, 'post', '/api/orders', { shippingAddress: ADDRESS });
      ownerOf.set(String(order.id), who);
      kindOf.set(String(order.id), 'order');
      if (who === 'other') otherOrderId = String(order.id);
      const cart = await api(user, 'post', '/api/cart/items', {
        productId: productIds[1],
        quantity: 1,
      });
      for (const item of cart.items as Array<{ id: string }>) {
        ownerOf.set(item.id, who);
        kindOf.set(item.id, 'cartItem');
      }
      const notifications = await api(user, 'get', '/api/notifications');
      for (const n of notifications.items as Array<{ id: string }>) {
        ownerOf.set(n.id, who);
        kindOf.set(n.id, 'notification');
      }
    }
    // Extra sessions whose refresh tokens the fuzzer may spend, reuse and log out.
    const refreshTokens: string[] = [];
    for (const user of [customer, other]) {
      const res = await t.http
        .post('/api/auth/login')
        .send({ email: user.email, password: user.password });
      refreshTokens.push(String(res.body.refreshToken));
    }
    const page = await t.http.get('/api/products?pageSize=1');
    const cursors = [page.body.nextCursor].filter((c): c is string => typeof c === 'string');
    d = {
      cursors,
      customer,
      other,
      staff,
      admin,
      ...catalog,
      ownerOf,
      kindOf,
      otherOrderId,
      refreshTokens,
    };
  });

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const table = [...statuses]
      .map(([op, counts]) => {
        const parts = [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
        return `  ${op.padEnd(26)} ${parts.join(' ')}`;
      })
      .join('\n');
    process.stdout.write(
      `\nAPI fuzz: ${cases} cases over ${statuses.size} operations in ${seconds} s ` +
        `(seed ${SEED}, ${RUNS} runs per operation)\n${table}\n`,
    );
    await t?.close();
    destroyAgent();
  });

  /** Per operation: the ids and values that make valid requests reach the handlers. */
  function contextFor(op: Operation): FuzzContext {
    const ids =
      (...lists: string[][]): (() => string[]) =>
      () =>
        lists.flat();
    const owned = (kind: Kind) => () =>
      [...d.kindOf].filter(([, k]) => k === kind).map(([id]) => id);
    const idOrSlug = op.path.startsWith('/api/products')
      ? ids(d.productIds, d.productSlugs)
      : op.path.startsWith('/api/categories')
        ? ids(d.categoryIds, d.categorySlugs)
        : ids(d.brandIds, d.brandSlugs);
    const users = [d.customer, d.other, d.staff, d.admin];
    return {
      known: {
        idOrSlug,
        id: op.path.startsWith('/api/users')
          ? () => users.map((u) => u.id)
          : owned(op.path.startsWith('/api/orders') ? 'order' : 'notification'),
        itemId: owned('cartItem'),
        after: owned('notification'),
        userId: () => users.map((u) => u.id),
        productId: () => d.productIds,
        categoryId: () => d.categoryIds,
        parentId: () => d.categoryIds,
        brandId: () => d.brandIds,
        ...(op.operationId === 'login' ? { email: () => users.map((u) => u.email) } : {}),
        password: () => [STRONG_PASSWORD],
        currentPassword: () => [STRONG_PASSWORD],
        newPassword: () => ['An0ther-str0ng-pass'],
        refreshToken: () => d.refreshTokens,
        country: () => ['GB', 'US', 'DE', 'FR', 'JP', 'BR'],
        sku: fc.stringMatching(/^[A-Z0-9]{2,8}-[A-Z0-9]{1,8}$/),
        phone: fc.stringMatching(/^\+?[0-9 ()-]{5,20}$/),
        cursor: () => (op.operationId === 'listProducts' ? d.cursors : []),
        category: () => d.categorySlugs,
        brand: () => d.brandSlugs,
      },
    };
  }

  function authorization(actor: Actor, badToken: string): string | undefined {
    if (actor === 'anonymous') return undefined;
    if (actor === 'bad token') return badToken;
    return d[actor].auth;
  }

  /** The checks every response passes, whatever was sent. */
  function check(
    op: Operation,
    actor: Actor,
    req: Parameters<typeof sentText>[0],
    res: Awaited<ReturnType<typeof send>>,
  ): string | undefined {
    if (res.status === -1) {
      // The server cut a too-big upload short: only allowed for bodies over the limit.
      return req.body?.kind === 'raw' && req.body.label === 'over 1 MB'
        ? undefined
        : `connection reset (${res.text})`;
    }
    if (res.status >= 500) return `a ${res.status}`;
    if (res.status >= 400) {
      const shape = errorShapeProblem(res);
      if (shape) return `not the error shape: ${shape}`;
    }
    const leak = leakProblem(res, sentText(req));
    if (leak && (res.status >= 400 || !leak.startsWith('SQL'))) return `leaks ${leak}`;

    const ok = res.status >= 200 && res.status < 300;
    const isCustomer = actor === 'customer' || actor === 'other';
    const unprivileged = isCustomer || actor === 'anonymous' || actor === 'bad token';
    if (ok && unprivileged && (STAFF_ONLY.has(op.operationId) || ADMIN_ONLY.has(op.operationId)))
      return `function-level authorization: ${actor} got ${res.status} from ${op.operationId}`;
    if (ok && actor === 'staff' && ADMIN_ONLY.has(op.operationId))
      return `function-level authorization: staff got ${res.status} from ${op.operationId}`;
    if (ok && (actor === 'anonymous' || actor === 'bad token') && !op.anonymousAllowed)
      return `authentication: ${actor} got ${res.status} from ${op.operationId}`;
    if (isCustomer) {
      const stranger = actor === 'customer' ? 'other' : 'customer';
      const reached = Object.values(req.pathParams).find((v) => d.ownerOf.get(v) === stranger);
      if (ok && reached)
        return `object-level authorization: ${actor} reached ${stranger}'s ${reached}`;
      if (ok && !op.path.startsWith('/api/auth/')) {
        const them = d[stranger];
        const foreign = [
          them.id,
          them.email,
          ...[...d.ownerOf].filter(([, o]) => o === stranger).map(([id]) => id),
        ];
        const seen = foreign.find((value) => res.text.includes(value));
        if (seen) return `data exposure: ${actor} was shown ${stranger}'s ${seen}`;
      }
    }
    return undefined;
  }

  /**
   * Before each operation: every cart line, order and notification the two customers own now
   * (the fuzzer makes new ones) joins the objects the other one must not reach, and each cart
   * gets a line of a product in stock, so cart and checkout requests have something to act on.
   */
  async function prepare(): Promise<void> {
    const rows = await t.dataSource.query<Array<{ id: string; user_id: string; kind: Kind }>>(
      `SELECT id::text, user_id::text, 'order' AS kind FROM orders WHERE user_id = ANY($1)
       UNION ALL
       SELECT i.id::text, c.user_id::text, 'cartItem' FROM cart_items i
         JOIN carts c ON c.id = i.cart_id WHERE c.user_id = ANY($1)
       UNION ALL
       SELECT id::text, user_id::text, 'notification' FROM notifications WHERE user_id = ANY($1)`,
      [[d.customer.id, d.other.id]],
    );
    for (const { id, user_id, kind } of rows) {
      d.ownerOf.set(id, user_id === d.customer.id ? 'customer' : 'other');
      d.kindOf.set(id, kind);
    }
    const inStock = await t.dataSource.query<Array<{ id: string }>>(
      'SELECT id::text FROM products WHERE id = ANY($1) AND is_active AND stock > 10 LIMIT 1',
      [d.productIds],
    );
    for (const user of [d.customer, d.other]) {
      if (!inStock[0]) break;
      const res = await t.http
        .post('/api/cart/items')
        .set('Authorization', user.auth)
        .send({ productId: inStock[0].id, quantity: 1 });
      for (const item of (res.body.items ?? []) as Array<{ id: string }>) {
        d.ownerOf.set(item.id, user === d.customer ? 'customer' : 'other');
        d.kindOf.set(item.id, 'cartItem');
      }
    }
  }

  it.each(operations.map((op) => [op.operationId, op] as const))(
    '%s: never a 5xx, always the error shape, no leaks, no access to others',
    async (_, op) => {
      await prepare();
      const ctx = contextFor(op);
      const counts = new Map<number, number>();
      statuses.set(op.operationId, counts);
      propertiesRun.push(op);
      await fc.assert(
        fc.asyncProperty(requestOf(op, ctx), ACTORS, BAD_TOKENS, async (req, actor, badToken) => {
          const t0 = Date.now();
          const res = await send(t.baseUrl, req, authorization(actor, badToken));
          if (process.env.FUZZ_SLOW && Date.now() - t0 > 300)
            process.stdout.write(
              `SLOW ${Date.now() - t0} ms ${describeCase(actor, req, res, 150)}\n`,
            );
          cases += 1;
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
          if (
            op.operationId === 'getOrder' &&
            actor === 'customer' &&
            req.pathParams.id === d.otherOrderId &&
            res.status === 200
          )
            violations.push(
              `customer saw the other customer's order: ${describeCase(actor, req, res)}`,
            );
          const problem = check(op, actor, req, res);
          if (problem) throw new Error(`${problem}\n${describeCase(actor, req, res)}`);
        }),
        { seed: SEED, numRuns: runsOf(op), endOnFailure: true },
      );
    },
    Math.max(120_000, RUNS * 3_000),
  );

  /** The values of the single-fault sweep: each is put in every field, one at a time. */
  const FAULTS: unknown[] = [
    null,
    '',
    [],
    {},
    true,
    -1,
    1.5,
    2 ** 31,
    'a\u0000b',
    'a\ud800b',
    nested(40, 'array'),
    "' OR 1=1 --",
  ];

  it('sweeps one bad value into each field of each operation, as its rightful caller', async () => {
    // A fresh catalog: the random runs may have deleted, emptied or hidden the first one.
    Object.assign(d, await seedCatalog(d.staff));
    await prepare();
    const sweepable = operations.filter((op) => !PASSWORD_HASHING.has(op.operationId));
    for (const op of sweepable) {
      const actor: Actor = STAFF_ONLY.has(op.operationId)
        ? 'staff'
        : ADMIN_ONLY.has(op.operationId)
          ? 'admin'
          : op.path.startsWith('/api/auth/')
            ? 'anonymous'
            : 'customer';
      await prepare(); // a line in the cart again
      // The customer's own objects that exist now, of the kind the path names.
      const [mine] = await t.dataSource.query<
        Array<{ order: string; notification: string; item: string }>
      >(
        `SELECT (SELECT id::text FROM orders WHERE user_id = $1
                  AND status IN ('pending', 'confirmed') ORDER BY created_at DESC LIMIT 1) AS order,
                (SELECT id::text FROM notifications WHERE user_id = $1
                  ORDER BY id DESC LIMIT 1) AS notification,
                (SELECT i.id::text FROM cart_items i JOIN carts c ON c.id = i.cart_id
                  WHERE c.user_id = $1 LIMIT 1) AS item`,
        [d.customer.id],
      );
      const ctx = contextFor(op);
      ctx.known = {
        ...ctx.known,
        ...(op.path.startsWith('/api/users')
          ? {}
          : { id: () => [op.path.startsWith('/api/orders') ? mine?.order : mine?.notification] }),
        itemId: () => [mine?.item],
      };
      const [base] = fc.sample(validPartsOf(op, ctx), { seed: SEED, numRuns: 1 });
      if (!base) continue;
      if (process.env.FUZZ_DEBUG) {
        if (op.operationId === 'checkout') await prepare();
        const probe = await send(t.baseUrl, toRequest(op, base), authorization(actor, ''));
        process.stdout.write(
          `BASE ${op.operationId} ${probe.status} ${probe.text.slice(0, 200)}\n`,
        );
      }
      for (const target of faultTargets(op)) {
        for (const value of FAULTS) {
          if (op.operationId === 'checkout') await prepare();
          const req = toRequest(op, withFault(base, target, value));
          const res = await send(t.baseUrl, req, authorization(actor, ''));
          cases += 1;
          const counts = statuses.get(op.operationId) ?? new Map<number, number>();
          counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
          statuses.set(op.operationId, counts);
          const problem = check(op, actor, req, res);
          if (problem) throw new Error(`${problem}\n${describeCase(actor, req, res)}`);
        }
      }
    }
  }, 600_000);

  it('keeps the data invariants afterwards', async () => {
    const q = <T>(sql: string): Promise<T[]> => t.dataSource.query<T[]>(sql);
    expect(violations).toEqual([]);
    expect(await q('SELECT id, stock FROM products WHERE stock < 0')).toEqual([]);
    expect(
      await q('SELECT id, quantity FROM cart_items WHERE quantity < 1 OR quantity > 999'),
    ).toEqual([]);
    expect(
      await q(
        `SELECT id, total, subtotal FROM orders
          WHERE total <> subtotal + shipping_amount + tax_amount - discount_amount OR total < 0`,
      ),
    ).toEqual([]);
    expect(
      await q(
        `SELECT o.id, o.subtotal, coalesce(sum(i.line_total), 0)::int AS lines
           FROM orders o LEFT JOIN order_items i ON i.order_id = o.id
          GROUP BY o.id HAVING o.subtotal <> coalesce(sum(i.line_total), 0)`,
      ),
    ).toEqual([]);
    expect(
      await q(
        'SELECT id FROM order_items WHERE line_total <> unit_price * quantity OR quantity < 1',
      ),
    ).toEqual([]);
    // Every fuzzed order's history ends at its status.
    expect(
      await t.dataSource.query(
        `SELECT o.id FROM orders o
          WHERE o.user_id = ANY($1)
            AND o.status IS DISTINCT FROM (SELECT h.to_status FROM order_status_history h
                                            WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1)`,
        [[d.customer.id, d.other.id]],
      ),
    ).toEqual([]);
    // The dataset's orders still belong to whom they belonged.
    const owners = await t.dataSource.query<Array<{ id: string; user_id: string }>>(
      'SELECT id, user_id FROM orders WHERE id = ANY($1)',
      [[...d.ownerOf.keys()]],
    );
    for (const { id, user_id } of owners)
      expect(user_id).toBe(d.ownerOf.get(id) === 'customer' ? d.customer.id : d.other.id);
    expect(cases).toBeGreaterThanOrEqual(propertiesRun.reduce((sum, op) => sum + runsOf(op), 0));
  });
});
