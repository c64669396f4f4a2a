/**
 * Property-based fuzzing of every operation in openapi.json (see docs/security.md).
 *
 * One app and a small dataset (fuzz-dataset.ts: a catalog with variants, attributes, images and
 * coupons; two customers with orders, carts, notifications, addresses, wishlists and reviews; a
 * guest cart); for each operation, fast-check generates requests from the document's schemas
 * (valid, boundary and invalid values, wrong types, missing and extra fields, integers beyond 32
 * bits and past each declared maximum in every numeric field and parameter and in forged keyset
 * cursors (big-integers.ts), huge strings and bodies, unicode, injection strings, hostile files
 * and forms, random path ids) and sends them with a random caller: nobody, a customer, the other
 * customer, staff, admin, or a bad token. Every response must be below 500, in the one error shape
 * when it is an error, and free of stack traces and SQL. No customer may get a 2xx from a staff or
 * admin operation (read from the document), reach an object of the other customer's or the
 * guest's, or be shown one they may not see: the other's orders, cart lines, notifications,
 * addresses, wishlists, pending reviews, any coupon. Then a deterministic sweep puts each of 14 bad
 * values into each field and parameter of each operation, one at a time, sent by its rightful
 * caller. Afterwards the data invariants are checked in SQL.
 *
 * The seed is fixed (FUZZ_SEED, default 20261126) so a CI failure replays; FUZZ_RUNS sets the
 * runs per operation (default 60; a sixth of that for the three operations that hash passwords):
 * 11,670 fuzzed requests, 6,210 random and 5,460 of the sweep (about 1,900 of them carrying an
 * integer beyond 32 bits), and about 1,000 more that build and restore the dataset, in about 35 s
 * on two cores (the summary printed at the end counts them). `npm run fuzz` is the long run.
 * FUZZ_SLOW=1 prints the requests over 300 ms, FUZZ_DEBUG=1 the answer to each sweep's valid base
 * request, FUZZ_TRACE=<operationId> every request of one operation's random runs.
 */
import { readFileSync, rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { tempMediaDir } from '../media/media-support.js';
import { carriesBigInteger, JsonNumber } from './big-integers.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { contextFor, prepare } from './fuzz-context.js';
import {
  buildDataset,
  type Customer,
  type Dataset,
  type Owner,
  seedCatalog,
  setupRequests,
} from './fuzz-dataset.js';
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
  type FuzzRequest,
  nested,
  type OpenApiDocument,
  type Operation,
  operationsOf,
  requestOf,
  restrictedTo,
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

/**
 * The operations documenting a 403 that is an owner check, not a role: cancelling an order no
 * longer the caller's to cancel, reviewing a product the caller did not receive (the same two
 * test/security/role-escalation.e2e-spec.ts leaves out of its staff operations).
 */
// checkout: 403 EMAIL_NOT_VERIFIED with REQUIRE_EMAIL_VERIFICATION, not a role.
const OWNER_CHECKED = new Set(['cancelOrder', 'createReview', 'checkout']);
/**
 * Operations whose valid requests hash a password (scrypt, about a second on a small machine):
 * a sixth of the runs, so the suite keeps to a few minutes.
 */
const PASSWORD_HASHING = new Set(['login', 'register', 'changePassword']);
const runsOf = (op: Operation): number =>
  PASSWORD_HASHING.has(op.operationId) ? Math.ceil(RUNS / 6) : RUNS;
/** Objects staff reach by id (customers' orders; reviews, to moderate or delete, not edit). */
const staffReaches = (op: Operation, kind: string): boolean =>
  kind === 'order' || (kind === 'review' && op.operationId !== 'updateReview');

type Actor = Customer | 'anonymous' | 'staff' | 'admin' | 'bad token';
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

describe('API fuzzing from openapi.json', () => {
  let t: TestApp;
  let d: Dataset;
  /** Requests sent, and those of them carrying an integer beyond 32 bits. */
  const counted = { random: 0, sweep: 0, bigRandom: 0, bigSweep: 0 };
  const statuses = new Map<string, Map<number, number>>();
  const violations: string[] = [];
  /** Operations whose property ran (all of them, unless jest's -t picked some). */
  const propertiesRun: Operation[] = [];
  const started = Date.now();
  const mediaDir = tempMediaDir();

  beforeAll(async () => {
    // Its own media directory; a small upload limit, so a too-big file is cheap to send.
    t = await createTestApp({ MEDIA_DIR: mediaDir, MEDIA_MAX_BYTES: String(64 * 1024) });
    d = await buildDataset(t);
  }, 120_000);

  afterAll(async () => {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const table = [...statuses]
      .map(([op, counts]) => {
        const parts = [...counts].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`);
        return `  ${op.padEnd(26)} ${parts.join(' ')}`;
      })
      .join('\n');
    const restricted = operations.filter((op) => restrictedTo(op)).length;
    process.stdout.write(
      `\nAPI fuzz: ${counted.random + counted.sweep} requests (${counted.random} random, ` +
        `${counted.sweep} sweep; ${counted.bigRandom + counted.bigSweep} with integers beyond 32 ` +
        `bits) over ${statuses.size} operations (${restricted} staff or admin ` +
        `only), plus ${setupRequests.count} building and restoring the dataset, in ${seconds} s ` +
        `(seed ${SEED}, ${RUNS} runs per operation)\n${table}\n`,
    );
    if (madeEndpoints.length > 0)
      await t.dataSource.query('DELETE FROM webhook_endpoints WHERE id = ANY($1::uuid[])', [
        madeEndpoints,
      ]);
    await t?.close();
    destroyAgent();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  function authorization(actor: Actor, badToken: string): string | undefined {
    if (actor === 'anonymous') return undefined;
    if (actor === 'bad token') return badToken;
    return d[actor].auth;
  }

  /** Whose objects the caller may reach: their own; a caller without an account, the guest's. */
  function viewerOf(actor: Actor, req: FuzzRequest): Owner | 'staff' | undefined {
    if (actor === 'staff' || actor === 'admin') return 'staff';
    if (actor === 'customer' || actor === 'other') return actor;
    return req.headers['X-Cart-Token'] === d.guestToken ? 'guest' : undefined;
  }

  /** What `viewer` may never be shown, each with what it is. */
  function secretsFor(viewer: Owner | undefined): Array<[string, string]> {
    const secrets: Array<[string, string]> = [];
    for (const who of ['customer', 'other'] as const) {
      if (who === viewer) continue;
      secrets.push([d[who].id, `${who}'s user id`], [d[who].email, `${who}'s email`]);
    }
    for (const [id, o] of d.owned)
      if (o.owner !== viewer && !o.isPublic) secrets.push([id, `${o.owner}'s ${o.kind} ${id}`]);
    if (viewer !== 'guest') secrets.push([d.guestToken, "the guest's cart token"]);
    for (const id of d.couponIds) secrets.push([id, `coupon ${id}`]);
    const { code } = d.catalog.coupons.secret;
    secrets.push([code, `the coupon code ${code}`]);
    return secrets;
  }

  /** The checks every response passes, whatever was sent. */
  function check(
    op: Operation,
    actor: Actor,
    req: FuzzRequest,
    res: Awaited<ReturnType<typeof send>>,
  ): string | undefined {
    if (res.status === -1) {
      // The server cut a too-big upload short: only allowed for bodies over a limit.
      const big =
        req.body?.kind === 'raw'
          ? req.body.label === 'over 1 MB'
          : req.body?.kind === 'multipart' &&
            req.body.parts.some((p) => 'file' in p && p.file.data.length > 64 * 1024);
      return big ? undefined : `connection reset (${res.text})`;
    }
    if (res.status >= 500) return `a ${res.status}`;
    if (res.status >= 400) {
      const shape = errorShapeProblem(res);
      if (shape) return `not the error shape: ${shape}`;
    }
    const leak = leakProblem(res, sentText(req));
    if (leak && (res.status >= 400 || !leak.startsWith('SQL'))) return `leaks ${leak}`;
    if (res.status < 200 || res.status >= 300) return undefined;

    const role = restrictedTo(op);
    if (role && actor !== 'admin' && (actor !== 'staff' || role === 'admin'))
      return `function-level authorization: ${actor} got ${res.status} from ${op.operationId}`;
    if ((actor === 'anonymous' || actor === 'bad token') && !op.anonymousAllowed)
      return `authentication: ${actor} got ${res.status} from ${op.operationId}`;
    const viewer = viewerOf(actor, req);
    for (const value of Object.values(req.pathParams)) {
      const o = d.owned.get(value);
      if (!o) continue;
      if (o.kind === 'shareToken' && !o.isPublic)
        return `a private or rotated-away share token reached a wishlist (${actor}): ${value}`;
      if (o.owner === viewer || (o.isPublic && op.method === 'get')) continue;
      if (viewer === 'staff' && staffReaches(op, o.kind)) continue;
      return `object-level authorization: ${actor} reached ${o.owner}'s ${o.kind} ${value}`;
    }
    if (viewer !== 'staff' && !op.path.startsWith('/api/auth/')) {
      const seen = secretsFor(viewer).find(([secret]) => res.text.includes(secret));
      if (seen) return `data exposure: ${actor} was shown ${seen[1]}`;
    }
    return undefined;
  }

  /** Webhook endpoints the fuzzer made: removed at the end, or every later order in the run would fan out to them. */
  const madeEndpoints: string[] = [];
  const tally = (op: Operation, res: { status: number; text: string }): void => {
    const counts = statuses.get(op.operationId) ?? new Map<number, number>();
    counts.set(res.status, (counts.get(res.status) ?? 0) + 1);
    statuses.set(op.operationId, counts);
    if (op.operationId === 'createWebhookEndpoint' && res.status === 201)
      madeEndpoints.push((JSON.parse(res.text) as { id: string }).id);
  };

  it('reads the staff and admin operations from the document', () => {
    const restricted = operations.filter((op) => restrictedTo(op));
    for (const op of restricted) {
      expect({ op: op.operationId, anonymous: op.anonymousAllowed }).toEqual({
        op: op.operationId,
        anonymous: false,
      });
      expect({ op: op.operationId, responses: op.responses }).toEqual({
        op: op.operationId,
        responses: expect.arrayContaining(['401', '403']),
      });
    }
    // A role guard whose summary forgot to name its role would escape the checks: none does.
    const unnamed = operations
      .filter((op) => op.responses.includes('403') && !restrictedTo(op))
      .map((op) => op.operationId);
    expect(unnamed.sort()).toEqual([...OWNER_CHECKED].sort());
    expect(restricted.filter((op) => restrictedTo(op) === 'admin').length).toBeGreaterThan(0);
  });

  it.each(operations.map((op) => [op.operationId, op] as const))(
    '%s: never a 5xx, always the error shape, no leaks, no access to others',
    async (_, op) => {
      await prepare(t, d);
      const ctx = contextFor(d, op);
      statuses.set(op.operationId, new Map());
      propertiesRun.push(op);
      await fc.assert(
        fc.asyncProperty(requestOf(op, ctx), ACTORS, BAD_TOKENS, async (req, actor, badToken) => {
          const t0 = Date.now();
          const res = await send(t.baseUrl, req, authorization(actor, badToken));
          if (process.env.FUZZ_SLOW && Date.now() - t0 > 300)
            process.stdout.write(
              `SLOW ${Date.now() - t0} ms ${describeCase(actor, req, res, 150)}\n`,
            );
          counted.random += 1;
          if (carriesBigInteger(sentText(req))) counted.bigRandom += 1;
          if (process.env.FUZZ_TRACE === op.operationId)
            process.stdout.write(`TRACE ${describeCase(actor, req, res, 120)}\n`);
          tally(op, res);
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
    // Past 2^53 as JSON digits (a double rounds them) and past 64 bits as a string of digits.
    new JsonNumber('9007199254740993'),
    '9'.repeat(30),
    'a\u0000b',
    'a\ud800b',
    nested(40, 'array'),
    "' OR 1=1 --",
  ];

  it('sweeps one bad value into each field of each operation, as its rightful caller', async () => {
    // A fresh catalog: the random runs may have changed, emptied or hidden the first one.
    d.catalog = await seedCatalog(t, d.staff);
    const sweepable = operations.filter((op) => !PASSWORD_HASHING.has(op.operationId));
    for (const op of sweepable) {
      // Staff and admin operations as staff or admin, so their fields are checked, not their 403.
      const actor: Actor =
        restrictedTo(op) ?? (op.path.startsWith('/api/auth/') ? 'anonymous' : 'customer');
      await prepare(t, d); // a line in the cart again, and what the last operation took
      // The customer's own objects, so that the base request is valid.
      const ctx = contextFor(d, op, 'customer');
      const [base] = fc.sample(validPartsOf(op, ctx), { seed: SEED, numRuns: 1 });
      if (!base) continue;
      if (process.env.FUZZ_DEBUG) {
        if (op.operationId === 'checkout') await prepare(t, d);
        const probe = await send(t.baseUrl, toRequest(op, base), authorization(actor, ''));
        process.stdout.write(
          `BASE ${op.operationId} as ${actor} ${probe.status} ${probe.text.slice(0, 200)}\n`,
        );
      }
      for (const target of faultTargets(op)) {
        for (const value of FAULTS) {
          if (op.operationId === 'checkout') await prepare(t, d);
          const req = toRequest(op, withFault(base, target, value));
          const res = await send(t.baseUrl, req, authorization(actor, ''));
          counted.sweep += 1;
          if (carriesBigInteger(sentText(req))) counted.bigSweep += 1;
          tally(op, res);
          const problem = check(op, actor, req, res);
          if (problem) throw new Error(`${problem}\n${describeCase(actor, req, res)}`);
        }
      }
    }
  }, 600_000);

  it('keeps the data invariants afterwards', async () => {
    const q = <T>(sql: string, params: unknown[] = []): Promise<T[]> =>
      t.dataSource.query<T[]>(sql, params);
    expect(violations).toEqual([]);
    expect(await q('SELECT id, stock FROM products WHERE stock < 0')).toEqual([]);
    expect(await q('SELECT id, stock FROM product_variants WHERE stock < 0')).toEqual([]);
    // A product with active variants has their stock, and counts them.
    expect(
      await q(
        `SELECT p.id, p.stock, p.active_variant_count,
                coalesce(sum(v.stock), 0)::int AS variant_stock, count(v.id)::int AS variants
           FROM products p LEFT JOIN product_variants v ON v.product_id = p.id AND v.is_active
          GROUP BY p.id
         HAVING p.active_variant_count <> count(v.id)
             OR (count(v.id) > 0 AND p.stock <> coalesce(sum(v.stock), 0))`,
      ),
    ).toEqual([]);
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
    // A coupon is used no more than its limits allow: counted over the uses held since its last
    // change (staff may lower a limit below the uses already held; each use after that was
    // admitted under the limit as it is now, one request at a time).
    expect(
      await q(
        `SELECT c.id, c.usage_limit, count(*)::int AS used FROM coupons c
           JOIN coupon_redemptions r ON r.coupon_id = c.id
          WHERE r.released_at IS NULL AND r.created_at >= c.updated_at AND c.usage_limit IS NOT NULL
          GROUP BY c.id HAVING count(*) > c.usage_limit`,
      ),
    ).toEqual([]);
    expect(
      await q(
        `SELECT c.id, r.user_id, c.per_user_limit, count(*)::int AS used FROM coupons c
           JOIN coupon_redemptions r ON r.coupon_id = c.id
          WHERE r.released_at IS NULL AND r.created_at >= c.updated_at
            AND c.per_user_limit IS NOT NULL
          GROUP BY c.id, r.user_id HAVING count(*) > c.per_user_limit`,
      ),
    ).toEqual([]);
    // A cancelled order gives its coupon use back.
    expect(
      await q(
        `SELECT r.id FROM coupon_redemptions r JOIN orders o ON o.id = r.order_id
          WHERE o.status = 'cancelled' AND r.released_at IS NULL`,
      ),
    ).toEqual([]);
    // A product's rating summary is that of its approved reviews.
    expect(
      await q(
        `SELECT p.id, p.review_count, p.rating_average FROM products p
           LEFT JOIN reviews r ON r.product_id = p.id AND r.status = 'approved'
          GROUP BY p.id
         HAVING p.review_count <> count(r.id)
             OR p.rating_average <> coalesce(round(avg(r.rating), 2), 0)`,
      ),
    ).toEqual([]);
    // Every fuzzed order's history ends at its status.
    expect(
      await q(
        `SELECT o.id FROM orders o
          WHERE o.user_id = ANY($1)
            AND o.status IS DISTINCT FROM (SELECT h.to_status FROM order_status_history h
                                            WHERE h.order_id = o.id ORDER BY h.id DESC LIMIT 1)`,
        [[d.customer.id, d.other.id]],
      ),
    ).toEqual([]);
    // The customers' objects still belong to whom they belonged.
    const owners = await q<{ id: string; user_id: string; kind: string }>(
      `SELECT id::text, user_id::text, 'order' AS kind FROM orders WHERE id::text = ANY($1)
       UNION ALL SELECT id::text, user_id::text, 'address' FROM user_addresses WHERE id::text = ANY($1)
       UNION ALL SELECT id::text, user_id::text, 'wishlist' FROM wishlists WHERE id::text = ANY($1)
       UNION ALL SELECT id::text, user_id::text, 'review' FROM reviews WHERE id::text = ANY($1)`,
      [[...d.owned.keys()]],
    );
    for (const { id, user_id } of owners) {
      const owner = d.owned.get(id)?.owner;
      expect({ id, owner: user_id }).toEqual({
        id,
        owner: owner === 'customer' ? d.customer.id : d.other.id,
      });
    }
    expect(counted.random).toBeGreaterThanOrEqual(
      propertiesRun.reduce((sum, op) => sum + runsOf(op), 0),
    );
    // Integers past 32 bits (paging, cursors, quantities, prices) stay a fair share of the runs.
    expect(counted.bigRandom).toBeGreaterThan(counted.random / 20);
  });
});
