/**
 * What the API fuzzer's dataset (fuzz-dataset.ts) lends each operation: its upkeep, since the
 * random runs change the shop (staff deactivate products, customers delete their addresses), who
 * owns what now, and fitting ids for each path parameter and known field. Path ids of the
 * customers' objects are both customers' (and the guest's), so that a valid request reaches its
 * handler and a customer's request may name the other customer's object.
 */
import fc from 'fast-check';
import { hashCartToken } from '@/orders/cart.service.js';
import { STRONG_PASSWORD, type TestApp } from '../support/test-app.js';
import {
  ADDRESS,
  call,
  type Customer,
  type Dataset,
  emptyLive,
  IMAGE,
  type ImageOwner,
  type Kind,
  type Live,
  type Method,
  type Owner,
  type Ref,
} from './fuzz-dataset.js';
import { BIG_INTEGERS, bigIntegerValue, toJson } from './big-integers.js';
import type { FuzzContext, Operation } from './openapi-arbitraries.js';

/** Records who owns what now (ids of objects since deleted stay, with their last owner). */
async function recordOwnership(t: TestApp, d: Dataset): Promise<void> {
  const rows = await t.dataSource.query<
    Array<{ id: string; owner: string; kind: Kind; state: string }>
  >(
    `SELECT id, owner, kind, state FROM (
       SELECT id::text, user_id::text AS owner, 'order' AS kind, status AS state, created_at
         FROM orders WHERE user_id = ANY($1)
       UNION ALL
       SELECT i.id::text, coalesce(c.user_id::text, 'guest'), 'cartItem', '', i.created_at
         FROM cart_items i JOIN carts c ON c.id = i.cart_id
        WHERE c.user_id = ANY($1) OR c.guest_token_hash = $2
       UNION ALL
       SELECT id::text, user_id::text, 'notification', '', created_at
         FROM notifications WHERE user_id = ANY($1)
       UNION ALL
       SELECT id::text, user_id::text, 'address', '', created_at
         FROM user_addresses WHERE user_id = ANY($1)
       UNION ALL
       SELECT id::text, user_id::text, 'wishlist', CASE WHEN is_public THEN 'public' ELSE '' END,
              created_at
         FROM wishlists WHERE user_id = ANY($1)
       UNION ALL
       SELECT share_token, user_id::text, 'shareToken',
              CASE WHEN is_public THEN 'public' ELSE '' END, created_at
         FROM wishlists WHERE user_id = ANY($1)
       UNION ALL
       SELECT id::text, user_id::text, 'review', status, created_at
         FROM reviews WHERE user_id = ANY($1)
     ) owned ORDER BY created_at DESC, id`,
    [[d.customer.id, d.other.id], hashCartToken(d.guestToken)],
  );
  d.live = emptyLive();
  for (const { id, owner: ownerId, kind, state } of rows) {
    const owner: Owner =
      ownerId === 'guest' ? 'guest' : ownerId === d.customer.id ? 'customer' : 'other';
    const isPublic =
      kind === 'review' ? state === 'approved' : kind === 'shareToken' && state === 'public';
    d.owned.set(id, { owner, kind, isPublic });
    d.live[owner][kind].push({ id, state });
  }
  const coupons = await t.dataSource.query<Array<{ id: string }>>('SELECT id::text FROM coupons');
  d.couponIds = coupons.map((c) => c.id);
  const { images } = d.catalog;
  const imageRows = await t.dataSource.query<Array<{ id: string; owner: ImageOwner }>>(
    `SELECT id::text, CASE WHEN product_id IS NOT NULL THEN 'products'
                           WHEN category_id IS NOT NULL THEN 'categories' ELSE 'brands' END AS owner
       FROM catalog_images WHERE product_id = $1 OR category_id = $2 OR brand_id = $3
      ORDER BY sort_order, created_at, id`,
    [images.products.owner.id, images.categories.owner.id, images.brands.owner.id],
  );
  d.images = { products: [], categories: [], brands: [] };
  for (const { id, owner } of imageRows) d.images[owner].push(id);
}

/**
 * Puts back what the fuzzer took that the next operation needs: the fixture products (and the
 * received ones), category, brand, red variant and lent coupons active, in stock and applicable;
 * each customer with an address, a public and a private wishlist, a review, and a line of an
 * in-stock product in the cart; the guest cart. Then records who owns what.
 */
export async function prepare(t: TestApp, d: Dataset): Promise<void> {
  const c = d.catalog;
  const staff = (method: Method, path: string, body: object) =>
    call(t, d.staff.auth, method, path, body, { lenient: true });
  const [p0, p1] = c.products as [Ref, Ref];
  const [state] = await t.dataSource.query<
    Array<{
      products: Array<{ id: string; is_active: boolean; stock: number }>;
      taxonomy: boolean;
      red: { is_active: boolean; stock: number } | null;
      coupons: Array<{ id: string; code: string; usable: boolean }>;
    }>
  >(
    `SELECT
       (SELECT coalesce(json_agg(json_build_object('id', id, 'is_active', is_active, 'stock', stock)), '[]')
          FROM products WHERE id = ANY($1)) AS products,
       (SELECT bool_and(is_active) FROM (SELECT is_active FROM categories WHERE id = $2
                                         UNION ALL SELECT is_active FROM brands WHERE id = $3) x)
         AS taxonomy,
       (SELECT json_build_object('is_active', is_active, 'stock', stock)
          FROM product_variants WHERE id = $4) AS red,
       (SELECT coalesce(json_agg(json_build_object('id', id, 'code', code, 'usable',
                 is_active AND min_order_amount IS NULL AND coalesce(starts_at <= now(), true)
                 AND coalesce(ends_at > now(), true))), '[]')
          FROM coupons WHERE id = ANY($5)) AS coupons`,
    [
      [...new Set([p0.id, p1.id, ...d.received.map((p) => p.id), c.variantProduct.id])],
      c.category.id,
      c.brand.id,
      c.variants.red,
      c.coupons.redeemable.map((x) => x.id),
    ],
  );
  for (const p of state?.products ?? []) {
    const stocked = p.id === c.variantProduct.id || p.stock >= 10;
    if (!p.is_active || !stocked)
      await staff('patch', `/api/products/${p.id}`, {
        isActive: true,
        ...(stocked ? {} : { stock: 1_000 }),
      });
  }
  if (state?.taxonomy === false) {
    await staff('patch', `/api/categories/${c.category.id}`, { isActive: true });
    await staff('patch', `/api/brands/${c.brand.id}`, { isActive: true });
  }
  if (state?.red && (!state.red.is_active || state.red.stock < 10))
    await staff('patch', `/api/products/${c.variantProduct.id}/variants/${c.variants.red}`, {
      isActive: true,
      stock: 50,
    });
  for (const coupon of state?.coupons ?? []) {
    const lent = c.coupons.redeemable.find((x) => x.id === coupon.id);
    if (lent) lent.code = coupon.code; // staff may have renamed it
    if (!coupon.usable)
      await staff('patch', `/api/coupons/${coupon.id}`, {
        isActive: true,
        startsAt: null,
        endsAt: null,
        minOrderAmount: null,
      });
  }

  await recordOwnership(t, d);
  for (const who of ['customer', 'other'] as const) {
    const user = d[who];
    const mine = d.live[who];
    const as = (method: Method, path: string, body?: object) =>
      call(t, user.auth, method, path, body, { lenient: true });
    // A line in the cart, so cart and checkout requests have something to act on.
    await as('post', '/api/cart/items', { productId: p0.id, quantity: 1 });
    if (mine.address.length === 0)
      await as('post', '/api/me/addresses', { ...ADDRESS, label: 'Again' });
    for (const isPublic of [true, false]) {
      if (mine.wishlist.some((w) => (w.state === 'public') === isPublic)) continue;
      const list = await as('post', '/api/wishlists', { name: `Fuzz again ${isPublic}`, isPublic });
      await as('post', `/api/wishlists/${String(list.body.id)}/items`, {
        productId: d.received[0]?.id,
      });
    }
    if (mine.review.length === 0) {
      const [received] = await t.dataSource.query<Array<{ product_id: string }>>(
        `SELECT i.product_id::text FROM order_items i
           JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id
          WHERE o.user_id = $1 AND o.status = 'delivered' AND p.is_active
            AND NOT EXISTS (SELECT 1 FROM reviews r
                             WHERE r.user_id = $1 AND r.product_id = i.product_id)
          LIMIT 1`,
        [user.id],
      );
      if (received) {
        await as('post', `/api/products/${received.product_id}/reviews`, {
          rating: 2,
          title: 'Again',
          text: 'Reviewed again.',
        });
      }
    }
  }
  // The guest's cart may have been emptied, merged into an account (login), or never made.
  if (d.live.guest.cartItem.length === 0) {
    const res = await call(
      t,
      undefined,
      'post',
      '/api/cart/items',
      { productId: p0.id, quantity: 1 },
      { lenient: true, headers: { 'X-Cart-Token': d.guestToken } },
    );
    d.guestToken = res.headers['x-cart-token'] ?? d.guestToken;
  }
  // The cart lines just added, and whatever was made again, join the owned objects.
  await recordOwnership(t, d);
}

/**
 * A product list's keyset `cursor`, forged with the `sort` it claims to be for: the cursor is
 * base64url JSON `[sort, last sort value, last id]` (src/catalog/products/product-query.ts), and
 * its sort value goes into the SQL, so it gets what the query string's numbers get: integers past
 * 32 bits, past 2^53 and past the column's range, and dates and names PostgreSQL cannot hold.
 */
export function forgedCursorQuery(
  productIds: readonly string[],
): fc.Arbitrary<Record<string, string>> {
  const id = fc.oneof(fc.constantFrom(...productIds), fc.uuid());
  const numbers = fc.oneof(
    fc.constantFrom(0, 1, 2 ** 31 - 1, -1),
    bigIntegerValue(),
    fc.constantFrom(...BIG_INTEGERS),
  );
  const bySort: Array<[string[], fc.Arbitrary<unknown>]> = [
    [['price', '-price', 'reviews', '-reviews'], numbers],
    [['rating', '-rating'], fc.oneof(numbers, fc.constantFrom(0, 2.5, 5, 5.000001, 1e-7))],
    [
      ['createdAt', '-createdAt'],
      fc.constantFrom(
        '2026-01-01T00:00:00.000Z',
        '0000-01-01T00:00:00.000Z',
        '9999-12-31T23:59:59.999Z',
        '+275760-09-13T00:00:00.000Z',
        '-271821-04-20T00:00:00.000Z',
        '-004714-01-01T00:00:00.000Z',
        '2026-01-01',
        '1e21',
        String(2 ** 53),
      ),
    ],
    [['name', '-name'], fc.constantFrom('Fuzz', '9'.repeat(30), 'a\u0000b', 'x'.repeat(300))],
  ];
  return fc
    .oneof(...bySort.map(([sorts, value]) => fc.tuple(fc.constantFrom(...sorts), value, id)))
    .map(([sort, value, last]) => ({
      sort,
      cursor: Buffer.from(toJson([sort, value, last]) ?? '').toString('base64url'),
    }));
}

/**
 * Per operation: the ids and values that make valid requests reach the handlers. Path ids of the
 * customers' objects are both customers' (and the guest's), so each may name the other's;
 * `only` gives one customer's newest own objects instead (the sweep's valid base request). Delete
 * operations are given only the spare objects, so the rest of the dataset stays for the
 * operations after them.
 */
export function contextFor(d: Dataset, op: Operation, only?: Customer): FuzzContext {
  const c = d.catalog;
  const refs = (...list: Ref[]): string[] => list.flatMap((r) => [r.id, r.slug]);
  // Objects that exist (both customers' and the guest's), and a few that no longer do; or, with
  // `only`, that customer's newest one that `fits` (e.g. an order that may still move).
  const owned =
    (kind: Kind, fits: (o: Live) => boolean = () => true) =>
    (): string[] => {
      if (only)
        return d.live[only][kind]
          .filter((o) => fits(o) && !d.receivedOrders.has(o.id))
          .slice(0, 1)
          .map((o) => o.id);
      const live = (['customer', 'other', 'guest'] as const).flatMap((who) =>
        d.live[who][kind].map((o) => o.id).filter((id) => !d.receivedOrders.has(id)),
      );
      const gone = [...d.owned]
        .filter(([id, o]) => o.kind === kind && !live.includes(id) && !d.receivedOrders.has(id))
        .map(([id]) => id);
      return [...live, ...gone.slice(-3)];
    };
  const [, , resource = '', , sub] = op.path.split('/');
  const remove = op.method === 'delete';
  const users = [d.customer, d.other, d.staff, d.admin];
  const owner = resource === 'products' || resource === 'categories' || resource === 'brands';
  const images = owner ? c.images[resource].imageIds : [];
  const allImages = owner ? d.images[resource] : [];
  const idOrSlug = ((): string[] => {
    if (resource === 'attributes')
      return remove && sub === undefined ? refs(c.spare.attribute) : refs(c.attribute);
    if (resource === 'products') {
      if (sub === 'variants') return refs(c.variantProduct);
      if (sub === 'images') return refs(c.images.products.owner);
      if (sub === 'reviews') return refs(...d.received);
      return remove ? refs(c.spare.product) : refs(...c.products, c.variantProduct);
    }
    if (resource === 'categories' || resource === 'brands') {
      const [main, spare] =
        resource === 'categories' ? [c.category, c.spare.category] : [c.brand, c.spare.brand];
      if (sub === 'images') return refs(main);
      return remove ? refs(spare) : refs(main, spare);
    }
    return [];
  })();
  const ids: Record<string, () => string[]> = {
    orders: owned('order', (o) => o.state === 'pending' || o.state === 'confirmed'),
    notifications: owned('notification'),
    users: () => users.map((u) => u.id),
    me: owned('address'),
    coupons: () => c.coupons.redeemable.map((x) => x.id),
    reviews: owned('review'),
  };
  const { red, blue, white } = c.variants;
  const values = c.attribute.values;
  const productIds = [...c.products.map((p) => p.id), c.variantProduct.id];
  const lentCodes = () => c.coupons.redeemable.map((x) => x.code);
  const couponCode = fc.stringMatching(/^[A-Z0-9][A-Z0-9_-]{2,11}$/);
  const paged = op.parameters.some((p) => p.name === 'cursor');
  return {
    ...(paged ? { forgedQuery: forgedCursorQuery(productIds) } : {}),
    known: {
      idOrSlug: () => idOrSlug,
      id: ids[resource] ?? (() => []),
      imageId: () => (remove ? images.slice(0, 1) : images),
      imageIds: () => [allImages, [...allImages].reverse()],
      variantId: () => (remove ? [white] : [red, blue, white]),
      valueIdOrSlug: () => (remove ? refs(values.green) : refs(...Object.values(values))),
      attributeValueIds: () =>
        op.method === 'post' ? [[values.green.id]] : Object.values(values).map((v) => [v.id]),
      wishlistId: () => [...owned('wishlist')(), ...(only ? [] : ['default'])],
      shareToken: owned('shareToken', (o) => o.state === 'public'),
      itemId: owned('cartItem'),
      orderIds: () => [owned('order')().slice(0, 1), owned('order')().slice(0, 3)],
      after: owned('notification'),
      'X-Cart-Token': () => [d.guestToken],
      userId: () => users.map((u) => u.id),
      // In a wishlist's item path, a product both customers' wishlists hold.
      productId: () =>
        resource === 'wishlists' && op.path.includes('{productId}')
          ? [d.received[0]?.id ?? '']
          : productIds,
      categoryId: () => [c.category.id],
      parentId: () => [c.category.id],
      brandId: () => [c.brand.id],
      code: op.operationId === 'validateCoupon' ? lentCodes : couponCode,
      couponCode: lentCodes,
      minRating: () => [0, 2.5, 4, 4.25, 5],
      attributes: () => [`${c.attribute.slug}:red`, `${c.attribute.slug}:red|blue`],
      createdFrom: () => ['2020-01-01', '2026-11-01'],
      createdTo: () => ['2100-01-01', '2099-12-31T23:59:59Z'],
      file: () => [IMAGE],
      ...(op.operationId === 'login' ? { email: () => users.map((u) => u.email) } : {}),
      // The moves open to the pending and confirmed orders the operations are given.
      ...(op.operationId.endsWith('OrderStatus')
        ? { status: () => ['confirmed', 'processing', 'cancelled'] }
        : {}),
      password: () => [STRONG_PASSWORD],
      currentPassword: () => [STRONG_PASSWORD],
      newPassword: () => ['An0ther-str0ng-pass'],
      refreshToken: () => d.refreshTokens[op.operationId === 'logout' ? 'logout' : 'refresh'],
      country: () => ['GB', 'US', 'DE', 'FR', 'JP', 'BR'],
      sku: fc.stringMatching(/^[A-Z0-9]{2,8}-[A-Z0-9]{1,8}$/),
      phone: fc.stringMatching(/^\+?[0-9 ()-]{5,20}$/),
      cursor: () => (op.operationId === 'listProducts' ? d.cursors : []),
      category: () => [c.category.slug],
      brand: () => [c.brand.slug],
    },
  };
}
