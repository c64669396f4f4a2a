/**
 * OWASP API5 (broken function-level authorization) and API3 (broken object property level
 * authorization): customers calling staff and admin operations, and clients setting properties
 * they must not (role, price, stock, status, totals, ownership) through any endpoint.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import { tempMediaDir } from '../media/media-support.js';
import { createTestApp, type TestApp, type TestUser } from '../support/test-app.js';
import {
  ADDRESS,
  buildExtras,
  buildShop,
  type Customer,
  customerWithOrder,
  deliveredBuyer,
  deliverOrder,
  documentedOperations,
  expectErrorShape,
  type Extras,
  PNG,
  REVIEW,
  type Shop,
} from './security-support.js';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** A multipart image upload (the body of the upload operations). */
const UPLOAD = 'multipart upload';
type Request = [Method, string, (object | typeof UPLOAD)?];

/** The staff and admin operations (each answers 403 to a customer). */
const STAFF_OPERATIONS = [
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
  'bulkUpdateOrderStatus',
  'refundOrder',
  'listUsers',
  'updateUserRole',
  'createAttribute',
  'updateAttribute',
  'deleteAttribute',
  'createAttributeValue',
  'updateAttributeValue',
  'deleteAttributeValue',
  'createProductVariant',
  'updateProductVariant',
  'deleteProductVariant',
  ...(['Product', 'Category', 'Brand'] as const).flatMap((owner) => [
    `list${owner}Images`,
    `upload${owner}Image`,
    `update${owner}Image`,
    `reorder${owner}Images`,
    `delete${owner}Image`,
  ]),
  'createCoupon',
  'listCoupons',
  'getCoupon',
  'updateCoupon',
  'deactivateCoupon',
  'listReviews',
  'moderateReview',
  // webhooks (docs/api/webhooks.md): admin only
  'createWebhookEndpoint',
  'listWebhookEndpoints',
  'getWebhookEndpoint',
  'updateWebhookEndpoint',
  'deleteWebhookEndpoint',
  'rotateWebhookSecret',
  'listWebhookDeliveries',
  'redeliverWebhook',
];
/**
 * Operations answering 403 for another reason than the caller's role: cancelOrder (the order is
 * not the caller's to cancel any more) and createReview (403 PURCHASE_REQUIRED: the caller has
 * no delivered order of the product), both in object-level-authorization.e2e-spec.ts; and checkout
 * (403 EMAIL_NOT_VERIFIED with REQUIRE_EMAIL_VERIFICATION, test/accounts/email-verification).
 */
const OWNER_CHECKED = ['cancelOrder', 'createReview', 'checkout'];
/** A webhook endpoint id nobody has: the role is refused before any lookup. */
const NO_WEBHOOK = '00000000-0000-4000-8000-00000000beef';

describe('function-level authorization (API5)', () => {
  let t: TestApp;
  let shop: Shop;
  let customer: Customer;
  let extras: Extras;
  let reviewId: string;
  const mediaDir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({ MEDIA_DIR: mediaDir });
    shop = await buildShop(t);
    customer = await customerWithOrder(t, shop);
    extras = await buildExtras(t, shop);
    const author = await deliveredBuyer(t, shop);
    const review = await t.http
      .post(`/api/products/${shop.product.id}/reviews`)
      .set('Authorization', author.auth)
      .send(REVIEW)
      .expect(201);
    reviewId = String(review.body.id);
  });
  afterAll(async () => {
    await t.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  /** Each staff or admin operation with a request that would succeed for the right role. */
  const requests = (): Record<string, Request> => ({
    createProduct: [
      'post',
      '/api/products',
      { name: 'Escalated', sku: 'ESC-1', price: 1, categoryId: shop.category.id },
    ],
    updateProduct: ['patch', `/api/products/${shop.product.id}`, { price: 1, stock: 99_999 }],
    deleteProduct: ['delete', `/api/products/${shop.product.id}`],
    createCategory: ['post', '/api/categories', { name: 'Escalated' }],
    updateCategory: ['patch', `/api/categories/${shop.category.id}`, { name: 'Escalated' }],
    deleteCategory: ['delete', `/api/categories/${shop.hidden.category.id}`],
    createBrand: ['post', '/api/brands', { name: 'Escalated' }],
    updateBrand: ['patch', `/api/brands/${shop.brand.id}`, { name: 'Escalated' }],
    deleteBrand: ['delete', `/api/brands/${shop.hidden.brand.id}`],
    updateOrderStatus: ['patch', `/api/orders/${customer.orderId}/status`, { status: 'confirmed' }],
    refundOrder: ['post', `/api/orders/${customer.orderId}/refunds`, { amount: 1 }],
    listUsers: ['get', '/api/users'],
    updateUserRole: ['patch', `/api/users/${customer.user.id}/role`, { role: 'admin' }],
    bulkUpdateOrderStatus: [
      'post',
      '/api/orders/bulk-status',
      { orderIds: [customer.orderId], status: 'confirmed' },
    ],
    createAttribute: ['post', '/api/attributes', { name: 'Escalated', values: ['Escalated'] }],
    updateAttribute: ['patch', `/api/attributes/${extras.attribute.id}`, { name: 'Escalated' }],
    deleteAttribute: ['delete', `/api/attributes/${extras.attribute.id}`],
    createAttributeValue: [
      'post',
      `/api/attributes/${extras.attribute.id}/values`,
      { value: 'Escalated' },
    ],
    updateAttributeValue: [
      'patch',
      `/api/attributes/${extras.attribute.id}/values/${extras.attribute.valueIds[0]}`,
      { value: 'Escalated' },
    ],
    deleteAttributeValue: [
      'delete',
      `/api/attributes/${extras.attribute.id}/values/${extras.attribute.valueIds[1]}`,
    ],
    createProductVariant: [
      'post',
      `/api/products/${extras.variantProduct.id}/variants`,
      { sku: 'ESC-1', price: 1, stock: 1, attributeValueIds: [extras.attribute.valueIds[1]] },
    ],
    updateProductVariant: [
      'patch',
      `/api/products/${extras.variantProduct.id}/variants/${extras.variant.id}`,
      { price: 1, stock: 99_999 },
    ],
    deleteProductVariant: [
      'delete',
      `/api/products/${extras.variantProduct.id}/variants/${extras.variant.id}`,
    ],
    ...Object.fromEntries(
      (
        [
          ['Product', 'products'],
          ['Category', 'categories'],
          ['Brand', 'brands'],
        ] as const
      ).flatMap(([name, owner]): Array<[string, Request]> => {
        const { ownerId, imageIds } = extras.images[owner];
        const base = `/api/${owner}/${ownerId}/images`;
        return [
          [`list${name}Images`, ['get', base]],
          [`upload${name}Image`, ['post', base, UPLOAD]],
          [
            `update${name}Image`,
            ['patch', `${base}/${imageIds[1]}`, { altText: 'Escalated', isPrimary: true }],
          ],
          [`reorder${name}Images`, ['put', `${base}/order`, { imageIds: [...imageIds].reverse() }]],
          [`delete${name}Image`, ['delete', `${base}/${imageIds[0]}`]],
        ];
      }),
    ),
    createCoupon: [
      'post',
      '/api/coupons',
      { code: 'ESCALATED', discountType: 'percentage', discountValue: 100 },
    ],
    listCoupons: ['get', '/api/coupons'],
    getCoupon: ['get', `/api/coupons/${extras.coupon.id}`],
    updateCoupon: ['patch', `/api/coupons/${extras.coupon.id}`, { discountValue: 100 }],
    deactivateCoupon: ['post', `/api/coupons/${extras.coupon.id}/deactivate`],
    listReviews: ['get', '/api/reviews?status=pending'],
    moderateReview: ['patch', `/api/reviews/${reviewId}/status`, { status: 'approved' }],
    createWebhookEndpoint: [
      'post',
      '/api/webhooks',
      { url: 'https://hooks.example.com/escalated', events: ['order.created'] },
    ],
    listWebhookEndpoints: ['get', '/api/webhooks'],
    getWebhookEndpoint: ['get', `/api/webhooks/${NO_WEBHOOK}`],
    updateWebhookEndpoint: ['patch', `/api/webhooks/${NO_WEBHOOK}`, { description: 'x' }],
    deleteWebhookEndpoint: ['delete', `/api/webhooks/${NO_WEBHOOK}`],
    rotateWebhookSecret: ['post', `/api/webhooks/${NO_WEBHOOK}/secret`],
    listWebhookDeliveries: ['get', `/api/webhooks/${NO_WEBHOOK}/deliveries`],
    redeliverWebhook: ['post', `/api/webhooks/${NO_WEBHOOK}/deliveries/${NO_WEBHOOK}/redeliver`],
  });
  const ADMIN_ONLY = [
    'listUsers',
    'updateUserRole',
    'createWebhookEndpoint',
    'listWebhookEndpoints',
    'getWebhookEndpoint',
    'updateWebhookEndpoint',
    'deleteWebhookEndpoint',
    'rotateWebhookSecret',
    'listWebhookDeliveries',
    'redeliverWebhook',
  ];
  const send = (user: TestUser | undefined, [method, path, body]: Request) => {
    const req = t.http[method](path);
    if (user) void req.set('Authorization', user.auth);
    if (body === UPLOAD)
      return req.attach('file', PNG, { filename: 'x.png', contentType: 'image/png' });
    return body ? req.send(body) : req;
  };
  /** Every row of this suite's issue 9 fixtures, and anything named like the attempts. */
  const extrasState = () =>
    t.dataSource.query(
      `SELECT (SELECT jsonb_agg(to_jsonb(a) ORDER BY a.id) FROM attributes a
                WHERE a.id = $1 OR a.name ILIKE 'escalated%') AS attributes,
              (SELECT jsonb_agg(to_jsonb(v) ORDER BY v.id) FROM attribute_values v
                WHERE v.attribute_id = $1 OR v.value ILIKE 'escalated%') AS "values",
              (SELECT jsonb_agg(to_jsonb(pv) ORDER BY pv.id) FROM product_variants pv
                WHERE pv.product_id = $2 OR pv.sku ILIKE 'esc-%') AS variants,
              (SELECT jsonb_agg(to_jsonb(c) ORDER BY c.id) FROM coupons c
                WHERE c.id = $3 OR c.code ILIKE 'escalated%') AS coupons,
              (SELECT jsonb_agg(to_jsonb(i) ORDER BY i.id) FROM catalog_images i
                WHERE i.product_id = $4 OR i.category_id = $5 OR i.brand_id = $6) AS images,
              (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) FROM reviews r
                WHERE r.product_id = $4) AS reviews,
              (SELECT jsonb_agg(to_jsonb(h) ORDER BY h.id) FROM order_status_history h
                WHERE h.order_id = $7) AS history`,
      [
        extras.attribute.id,
        extras.variantProduct.id,
        extras.coupon.id,
        shop.product.id,
        shop.category.id,
        shop.brand.id,
        customer.orderId,
      ],
    );
  /** What the attempts could have changed: this suite's objects, and anything named like them. */
  const state = () =>
    t.dataSource.query(
      `SELECT (SELECT count(*) FROM products WHERE name = 'Escalated' OR sku = 'ESC-1')::int AS p,
              (SELECT count(*) FROM categories WHERE name = 'Escalated')::int AS c,
              (SELECT count(*) FROM brands WHERE name = 'Escalated')::int AS b,
              (SELECT name || price || stock || is_active FROM products WHERE id = $3) AS product,
              (SELECT string_agg(name || is_active, ',' ORDER BY id) FROM categories
                WHERE id = ANY($4)) AS categories,
              (SELECT string_agg(name || is_active, ',' ORDER BY id) FROM brands
                WHERE id = ANY($5)) AS brands,
              (SELECT status FROM orders WHERE id = $1) AS status,
              (SELECT role FROM users WHERE id = $2) AS role`,
      [
        customer.orderId,
        customer.user.id,
        shop.product.id,
        [shop.category.id, shop.hidden.category.id],
        [shop.brand.id, shop.hidden.brand.id],
      ],
    );

  it('covers every documented operation that answers 403, except the owner-checked cancelOrder and createReview', () => {
    const guarded = documentedOperations()
      .filter((op) => op.responses.includes('403') && !OWNER_CHECKED.includes(op.operationId))
      .map((op) => op.operationId);
    expect(guarded.sort()).toEqual([...STAFF_OPERATIONS].sort());
    expect(Object.keys(requests()).sort()).toEqual([...STAFF_OPERATIONS].sort());
  });

  it.each(STAFF_OPERATIONS)(
    '%s: 403 for a customer, 401 without a token, and nothing changes',
    async (operationId) => {
      const request = requests()[operationId];
      if (!request) throw new Error(`no request for ${operationId}`);
      const before = [await state(), await extrasState()];
      expectErrorShape(await send(customer.user, request), 403, 'FORBIDDEN');
      expectErrorShape(await send(undefined, request), 401);
      if (ADMIN_ONLY.includes(operationId))
        expectErrorShape(await send(shop.staff, request), 403, 'FORBIDDEN');
      expect([await state(), await extrasState()]).toEqual(before);
    },
  );

  it('shows a customer no coupon code and no moderation queue, whatever the query', async () => {
    for (const path of [
      `/api/coupons?q=${extras.coupon.code}`,
      '/api/coupons?active=true&pageSize=100',
      `/api/reviews?userId=${customer.user.id}`,
      `/api/reviews?productId=${shop.product.id}&status=pending`,
    ]) {
      const res = await send(customer.user, ['get', path]);
      expectErrorShape(res, 403, 'FORBIDDEN');
      expect(res.text).not.toContain(extras.coupon.code);
      expect(res.text).not.toContain(reviewId);
    }
  });

  it('lets no customer move orders in bulk, not even their own (they use cancelOrder)', async () => {
    const before = await state();
    for (const status of ['cancelled', 'delivered', 'refunded']) {
      const res = await send(customer.user, [
        'post',
        '/api/orders/bulk-status',
        { orderIds: [customer.orderId], status },
      ]);
      expectErrorShape(res, 403, 'FORBIDDEN');
    }
    expect(await state()).toEqual(before);
  });

  it("lets no one but an admin change a role, not even a customer's own (self-promotion)", async () => {
    for (const user of [customer.user, shop.staff]) {
      const res = await send(user, ['patch', `/api/users/${user.id}/role`, { role: 'admin' }]);
      expectErrorShape(res, 403, 'FORBIDDEN');
    }
    const me = await t.http.get('/api/me').set('Authorization', customer.user.auth).expect(200);
    expect(me.body.role).toBe('customer');
  });
});

describe('property-level authorization: no mass assignment (API3)', () => {
  let t: TestApp;
  let shop: Shop;
  let customer: Customer;
  let extras: Extras;
  /** A customer with a delivered order of the shop's product and no review of it yet. */
  let reviewer: TestUser;
  /** The customer's own review (pending), wishlist and address. */
  let own: { reviewId: string; wishlistId: string; addressId: string };
  const mediaDir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({ MEDIA_DIR: mediaDir });
    shop = await buildShop(t);
    customer = await customerWithOrder(t, shop);
    extras = await buildExtras(t, shop);
    reviewer = await deliveredBuyer(t, shop);
    await deliverOrder(t, shop, customer.orderId);
    const post = async (path: string, body: object, status = 201) => {
      const res = await t.http.post(path).set('Authorization', customer.user.auth).send(body);
      if (res.status !== status) throw new Error(`fixture ${path}: ${res.status} ${res.text}`);
      return String((res.body as { id: string }).id);
    };
    const reviewId = await post(`/api/products/${shop.product.id}/reviews`, REVIEW);
    const wishlistId = await post('/api/wishlists', { name: 'Mine', isPublic: true });
    await post(`/api/wishlists/${wishlistId}/items`, { productId: shop.product.id }, 200);
    const addressId = await post('/api/me/addresses', { ...ADDRESS, label: 'Home' });
    own = { reviewId, wishlistId, addressId };
  });
  afterAll(async () => {
    await t.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  const as = (
    user: TestUser | undefined,
    method: Method,
    path: string,
    body?: unknown,
  ): Promise<Response> => {
    const req = t.http[method](path);
    if (user) void req.set('Authorization', user.auth);
    return req.send(body as object).then((res) => res);
  };
  const snapshot = () =>
    t.dataSource.query(
      `SELECT u.role, u.email, u.name,
              (SELECT count(*) FROM orders o WHERE o.user_id = u.id)::int AS orders,
              (SELECT string_agg(i.quantity::text, ',') FROM cart_items i JOIN carts c ON c.id = i.cart_id
                WHERE c.user_id = u.id) AS cart,
              (SELECT stock FROM products WHERE id = $2) AS stock,
              (SELECT price FROM products WHERE id = $2) AS price,
              (SELECT status || payment_status || total FROM orders WHERE id = $3) AS order
         FROM users u WHERE u.id = $1`,
      [customer.user.id, shop.product.id, customer.orderId],
    );
  /** The issue 9 objects the attempts below could have changed or created. */
  const ownedSnapshot = () =>
    t.dataSource.query(
      `SELECT (SELECT jsonb_agg(to_jsonb(r) ORDER BY r.id) FROM reviews r
                WHERE r.product_id = $2) AS reviews,
              (SELECT jsonb_agg(to_jsonb(w) ORDER BY w.id) FROM wishlists w
                WHERE w.user_id = ANY($3)) AS wishlists,
              (SELECT jsonb_agg(to_jsonb(i) ORDER BY i.id) FROM wishlist_items i
                JOIN wishlists w ON w.id = i.wishlist_id WHERE w.user_id = ANY($3)) AS items,
              (SELECT jsonb_agg(to_jsonb(a) ORDER BY a.id) FROM user_addresses a
                WHERE a.user_id = ANY($3)) AS addresses,
              (SELECT jsonb_agg(to_jsonb(p)) FROM user_profiles p
                WHERE p.user_id = ANY($3)) AS profiles,
              (SELECT jsonb_agg(to_jsonb(c)) FROM coupons c WHERE c.id = $4) AS coupon,
              (SELECT jsonb_agg(to_jsonb(v) ORDER BY v.id) FROM product_variants v
                WHERE v.product_id = $5) AS variants,
              (SELECT jsonb_agg(to_jsonb(i) ORDER BY i.id) FROM cart_items i
                JOIN carts c ON c.id = i.cart_id
               WHERE c.user_id IS NULL AND i.product_id = ANY(ARRAY[$2, $5]::uuid[])) AS guest_lines,
              (SELECT jsonb_agg(to_jsonb(i) ORDER BY i.id) FROM cart_items i
                JOIN carts c ON c.id = i.cart_id WHERE c.user_id = $1) AS cart`,
      [
        customer.user.id,
        shop.product.id,
        [customer.user.id, reviewer.id, shop.admin.id],
        extras.coupon.id,
        extras.variantProduct.id,
      ],
    );

  /** [what, method, path, body, the refused field, who sends it (default the customer)] */
  type MassAssignment = [
    string,
    Method,
    () => string,
    () => unknown,
    string,
    (() => TestUser | undefined)?,
  ];
  const randomUUIDLike = () => '00000000-0000-4000-8000-000000000000';
  const MASS_ASSIGNMENTS: MassAssignment[] = [
    ['a role through updateMe', 'patch', () => '/api/me', () => ({ role: 'admin' }), 'role'],
    ['isAdmin through updateMe', 'patch', () => '/api/me', () => ({ isAdmin: true }), 'isAdmin'],
    [
      'an email through updateMe',
      'patch',
      () => '/api/me',
      () => ({ email: 'x@evil.test' }),
      'email',
    ],
    ['an id through updateMe', 'patch', () => '/api/me', () => ({ id: shop.admin.id }), 'id'],
    [
      'a password hash through updateMe',
      'patch',
      () => '/api/me',
      () => ({ passwordHash: 'scrypt$1$1$1$x$y' }),
      'passwordHash',
    ],
    [
      'a role nested in the address',
      'patch',
      () => '/api/me',
      () => ({ defaultShippingAddress: { ...ADDRESS, role: 'admin' } }),
      'defaultShippingAddress.role',
    ],
    [
      'a price through addCartItem',
      'post',
      () => '/api/cart/items',
      () => ({ productId: shop.product.id, quantity: 1, price: 0 }),
      'price',
    ],
    [
      'a unit price through addCartItem',
      'post',
      () => '/api/cart/items',
      () => ({ productId: shop.product.id, quantity: 1, unitPrice: 0 }),
      'unitPrice',
    ],
    [
      'a price through updateCartItem',
      'patch',
      () => `/api/cart/items/${customer.cartItemId}`,
      () => ({ quantity: 1, price: 0 }),
      'price',
    ],
    ...(['total', 'subtotal', 'discountAmount', 'price', 'userId'] as const).map(
      (field): MassAssignment => [
        `${field} through checkout`,
        'post',
        () => '/api/orders',
        () => ({
          shippingAddress: ADDRESS,
          [field]: field === 'userId' ? shop.admin.id : 0,
        }),
        field,
      ],
    ),
    [
      'a status through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, status: 'delivered' }),
      'status',
    ],
    [
      'a payment status through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, paymentStatus: 'paid' }),
      'paymentStatus',
    ],
    [
      'items through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, items: [{ productId: shop.product.id, unitPrice: 0 }] }),
      'items',
    ],
    [
      'a status through cancelOrder',
      'post',
      () => `/api/orders/${customer.orderId}/cancel`,
      () => ({ status: 'refunded' }),
      'status',
    ],
    // Reviews: the status, the purchase flag and the author are the server's.
    ...(
      [
        ['status', 'approved'],
        ['verifiedPurchase', true],
        ['userId', 'ADMIN'],
        ['authorName', 'The Shop'],
        ['moderationNote', 'fine'],
      ] as const
    ).map((entry): MassAssignment => {
      const [field, value] = entry;
      return [
        `a ${field} through createReview`,
        'post',
        () => `/api/products/${shop.product.id}/reviews`,
        () => ({ ...REVIEW, [field]: value === 'ADMIN' ? shop.admin.id : value }),
        field,
        () => reviewer,
      ];
    }),
    ...(['status', 'userId', 'moderationNote', 'verifiedPurchase'] as const).map(
      (field): MassAssignment => [
        `a ${field} through updateReview`,
        'patch',
        () => `/api/reviews/${own.reviewId}`,
        () => ({
          rating: 5,
          [field]:
            field === 'status'
              ? 'approved'
              : field === 'userId'
                ? reviewer.id
                : field === 'verifiedPurchase'
                  ? true
                  : 'ok',
        }),
        field,
      ],
    ),
    // Wishlists: the owner and the share token are the server's.
    [
      'a userId through createWishlist',
      'post',
      () => '/api/wishlists',
      () => ({ name: 'Theirs', userId: shop.admin.id }),
      'userId',
    ],
    [
      'a shareToken through createWishlist',
      'post',
      () => '/api/wishlists',
      () => ({ name: 'Guessable', isPublic: true, shareToken: 'aaaa' }),
      'shareToken',
    ],
    [
      'a userId through updateWishlist',
      'patch',
      () => `/api/wishlists/${own.wishlistId}`,
      () => ({ userId: reviewer.id }),
      'userId',
    ],
    [
      'a shareToken through updateWishlist',
      'patch',
      () => `/api/wishlists/${own.wishlistId}`,
      () => ({ shareToken: 'aaaa' }),
      'shareToken',
    ],
    [
      'a wishlistId through addWishlistItem',
      'post',
      () => `/api/wishlists/${own.wishlistId}/items`,
      () => ({ productId: extras.variantProduct.id, wishlistId: randomUUIDLike() }),
      'wishlistId',
    ],
    [
      'a price through moveWishlistItemToCart',
      'post',
      () => `/api/wishlists/${own.wishlistId}/items/${shop.product.id}/move-to-cart`,
      () => ({ quantity: 1, price: 0 }),
      'price',
    ],
    // Addresses and profiles: the owner is the caller, always.
    [
      'a userId through createAddress',
      'post',
      () => '/api/me/addresses',
      () => ({ ...ADDRESS, userId: reviewer.id }),
      'userId',
    ],
    [
      'a userId through updateAddress',
      'patch',
      () => `/api/me/addresses/${own.addressId}`,
      () => ({ city: 'Moved', userId: reviewer.id }),
      'userId',
    ],
    [
      'a default flag through updateAddress',
      'patch',
      () => `/api/me/addresses/${own.addressId}`,
      () => ({ isDefaultShipping: false }),
      'isDefaultShipping',
    ],
    ...(['userId', 'email', 'name', 'role', 'imageUrl'] as const).map((field): MassAssignment => [
      `a ${field} through updateProfile`,
      'patch',
      () => '/api/me/profile',
      () => ({ bio: 'Hi', [field]: field === 'userId' ? reviewer.id : 'x@evil.test' }),
      field,
    ]),
    // Carts (a guest's too) and coupons: prices and discounts are computed, never sent.
    [
      "a price through a guest's addCartItem",
      'post',
      () => '/api/cart/items',
      () => ({ productId: shop.product.id, quantity: 1, price: 0 }),
      'price',
      () => undefined,
    ],
    [
      'a price through addCartItem with a variant',
      'post',
      () => '/api/cart/items',
      () => ({
        productId: extras.variantProduct.id,
        variantId: extras.variant.id,
        quantity: 1,
        price: 0,
      }),
      'price',
    ],
    ...(['discountAmount', 'discountValue', 'total'] as const).map((field): MassAssignment => [
      `a ${field} through validateCoupon`,
      'post',
      () => '/api/cart/coupon/validate',
      () => ({ code: extras.coupon.code, [field]: field === 'discountValue' ? 100 : 0 }),
      field,
    ]),
    [
      'a discountAmount with a coupon code through checkout',
      'post',
      () => '/api/orders',
      () => ({ shippingAddress: ADDRESS, couponCode: extras.coupon.code, discountAmount: 999 }),
      'discountAmount',
    ],
  ];

  it.each(MASS_ASSIGNMENTS)(
    'rejects %s with 400 naming the field, and changes nothing',
    async (_, method, path, body, field, who = () => customer.user) => {
      const before = [await snapshot(), await ownedSnapshot()];
      const res = await as(who(), method, path(), body());
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
      expect(res.body.details).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      expect(res.headers['x-cart-token']).toBeUndefined();
      expect([await snapshot(), await ownedSnapshot()]).toEqual(before);
    },
  );

  it('refuses read-only and server-owned product properties from staff too', async () => {
    for (const body of [{ slug: 'mine' }, { id: shop.admin.id }, { createdAt: '2000-01-01' }]) {
      const res = await as(shop.staff, 'patch', `/api/products/${shop.product.id}`, body);
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
    }
    for (const body of [{ stock: -1 }, { price: -1 }, { stock: 1.5 }, { price: '0' }]) {
      const res = await as(shop.staff, 'patch', `/api/products/${shop.product.id}`, body);
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
    }
    const res = await as(shop.staff, 'patch', `/api/orders/${customer.orderId}/status`, {
      status: 'confirmed',
      total: 0,
    });
    expectErrorShape(res, 400, 'VALIDATION_FAILED');
  });

  it('refuses server-owned properties of coupons, variants, images, reviews and bulk moves from staff too', async () => {
    const before = [await snapshot(), await ownedSnapshot()];
    const variant = `/api/products/${extras.variantProduct.id}/variants/${extras.variant.id}`;
    const image = `/api/products/${shop.product.id}/images/${extras.images.products.imageIds[1]}`;
    const attempts: Array<[Method, string, object, string]> = [
      [
        'post',
        '/api/coupons',
        { code: 'SEC-USED', discountType: 'fixed', discountValue: 1, timesUsed: 0 },
        'timesUsed',
      ],
      ['patch', `/api/coupons/${extras.coupon.id}`, { timesUsed: 0 }, 'timesUsed'],
      ['patch', `/api/coupons/${extras.coupon.id}`, { currency: 'XXX' }, 'currency'],
      ['patch', variant, { productId: shop.product.id }, 'productId'],
      ['patch', variant, { currency: 'XXX' }, 'currency'],
      ['patch', variant, { inStock: true }, 'inStock'],
      ['patch', image, { url: 'https://evil.test/x.png' }, 'url'],
      ['patch', image, { storageKey: '../../etc/passwd' }, 'storageKey'],
      ['patch', `/api/reviews/${own.reviewId}/status`, { status: 'approved', rating: 5 }, 'rating'],
      [
        'patch',
        `/api/reviews/${own.reviewId}/status`,
        { status: 'approved', userId: shop.staff.id },
        'userId',
      ],
      [
        'post',
        '/api/orders/bulk-status',
        { orderIds: [customer.orderId], status: 'refunded', paymentStatus: 'paid' },
        'paymentStatus',
      ],
    ];
    for (const [method, path, body, field] of attempts) {
      const res = await as(shop.staff, method, path, body);
      expectErrorShape(res, 400, 'VALIDATION_FAILED');
      expect({ path, details: res.body.details }).toEqual({
        path,
        details: expect.arrayContaining([expect.objectContaining({ field })]),
      });
    }
    expect([await snapshot(), await ownedSnapshot()]).toEqual(before);
  });

  it.each([
    ['__proto__', '{"__proto__": {"role": "admin"}}'],
    ['constructor.prototype', '{"constructor": {"prototype": {"role": "admin"}}}'],
    [
      'a nested __proto__',
      '{"name": "x", "defaultShippingAddress": {"__proto__": {"role": "admin"}}}',
    ],
  ])('rejects a body polluting %s with 400 and stays unpolluted', async (_, raw) => {
    const res = await t.http
      .patch('/api/me')
      .set('Authorization', customer.user.auth)
      .set('Content-Type', 'application/json')
      .send(raw);
    expectErrorShape(res, 400);
    expect(({} as Record<string, unknown>).role).toBeUndefined();
    const me = await t.http.get('/api/me').set('Authorization', customer.user.auth).expect(200);
    expect(me.body.role).toBe('customer');
  });

  it('never sends password hashes, to users or to admins', async () => {
    const login = await t.http
      .post('/api/auth/login')
      .send({ email: customer.user.email, password: customer.user.password })
      .expect(200);
    const users = await t.http.get('/api/users?pageSize=100').set('Authorization', shop.admin.auth);
    const me = await t.http.get('/api/me').set('Authorization', customer.user.auth);
    for (const res of [login, users, me]) {
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(/scrypt\$|passwordHash|password_hash|secretHash/);
    }
  });
});
