/**
 * OWASP API1 (broken object-level authorization): every operation of openapi.json that takes an
 * id in its path is tried by a customer against an object that is not theirs (or not visible to
 * them), and the object is checked unchanged afterwards.
 */
import { randomUUID } from 'node:crypto';
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
  deliverOrder,
  documentedOperations,
  expectErrorShape,
  type Extras,
  type ImageOwner,
  PNG,
  REVIEW,
  rowOf,
  rowsOf,
  type Shop,
} from './security-support.js';

interface Case {
  /** The attacker's requests: each must answer `status`. */
  attacks: () => Array<Promise<Response>>;
  status: 403 | 404;
  /** The object's state, read from the database before and after the attacks: equal. */
  read: () => Promise<unknown>;
  /** The rightful caller does reach it (so the 403/404 is about who asks, not what). */
  rightful: () => Promise<Response>;
}

describe('object-level authorization on every id-taking route (API1)', () => {
  let t: TestApp;
  let shop: Shop;
  let alice: Customer;
  let mallory: TestUser;
  let extras: Extras;
  /** A guest's order token (checkoutGuestCart): it opens that guest order, nothing else. */
  let guestToken: string;
  /** Alice's review (pending), wishlists and address book. */
  let mine: {
    reviewId: string;
    /** Public, holding the shop's product; its first share token was rotated away. */
    wishlist: { id: string; shareToken: string; oldShareToken: string };
    privateWishlist: { id: string; shareToken: string };
    /** Her second address (the first holds both defaults). */
    addressId: string;
  };
  const mediaDir = tempMediaDir();

  beforeAll(async () => {
    t = await createTestApp({ MEDIA_DIR: mediaDir });
    shop = await buildShop(t);
    alice = await customerWithOrder(t, shop);
    mallory = (await customerWithOrder(t, shop)).user;
    extras = await buildExtras(t, shop);
    await deliverOrder(t, shop, alice.orderId);
    const guestAdd = await t.http
      .post('/api/cart/items')
      .send({ productId: shop.product.id, quantity: 1 });
    const guestOrder = await t.http
      .post('/api/orders/guest')
      .set('X-Cart-Token', (guestAdd.body as { cartToken: string }).cartToken)
      .send({ email: 'guest@example.com', shippingAddress: ADDRESS });
    if (guestOrder.status !== 201) throw new Error(`fixture guest order: ${guestOrder.text}`);
    guestToken = (guestOrder.body as { guestToken: string }).guestToken;
    const post = async (path: string, body: object = {}, status = 201) => {
      const res = await t.http.post(path).set('Authorization', alice.user.auth).send(body);
      if (res.status !== status) throw new Error(`fixture ${path}: ${res.status} ${res.text}`);
      return res.body as { id: string; shareToken: string };
    };
    const review = await post(`/api/products/${shop.product.id}/reviews`, REVIEW);
    const wishlist = await post('/api/wishlists', { name: 'Alice public', isPublic: true });
    await post(`/api/wishlists/${wishlist.id}/items`, { productId: shop.product.id }, 200);
    const rotated = await post(`/api/wishlists/${wishlist.id}/share-token`, {}, 200);
    const privateWishlist = await post('/api/wishlists', { name: 'Alice private' });
    await post(`/api/wishlists/${privateWishlist.id}/items`, { productId: shop.product.id }, 200);
    await post('/api/me/addresses', { ...ADDRESS, label: 'Home' });
    const address = await post('/api/me/addresses', {
      ...ADDRESS,
      label: 'Work',
      city: 'Elsewhere',
    });
    mine = {
      reviewId: review.id,
      wishlist: {
        id: wishlist.id,
        shareToken: rotated.shareToken,
        oldShareToken: wishlist.shareToken,
      },
      privateWishlist: { id: privateWishlist.id, shareToken: privateWishlist.shareToken },
      addressId: address.id,
    };
  });
  afterAll(async () => {
    await t.close();
    rmSync(mediaDir, { recursive: true, force: true });
  });

  const as = (user: TestUser | undefined, req: ReturnType<TestApp['http']['get']>) =>
    user ? req.set('Authorization', user.auth) : req;
  const one = async <T>(sql: string, params: unknown[]): Promise<T> =>
    (await t.dataSource.query<T[]>(sql, params))[0];
  const orderStatus = () =>
    one<{ status: string }>('SELECT status FROM orders WHERE id = $1', [alice.orderId]);
  const product = () =>
    one<object>('SELECT name, price, stock, is_active FROM products WHERE id = $1', [
      shop.product.id,
    ]);
  const cartLine = () =>
    one<object>('SELECT quantity FROM cart_items WHERE id = $1', [alice.cartItemId]);
  const taxonomy = (table: 'categories' | 'brands', id: string) =>
    one<object>(`SELECT name, slug, is_active FROM ${table} WHERE id = $1`, [id]);

  const staffOnlyOn = (
    path: () => string,
    method: 'get' | 'post' | 'put' | 'patch' | 'delete',
    body: object | 'upload' | undefined,
    read: () => Promise<unknown>,
    /** What staff read to show they reach it (default: GET on the same path). */
    rightfulPath: () => string = path,
  ): Case => ({
    attacks: () => [
      body === 'upload'
        ? as(mallory, t.http[method](path())).attach('file', PNG, {
            filename: 'x.png',
            contentType: 'image/png',
          })
        : as(mallory, t.http[method](path())).send(body),
    ],
    status: 403,
    read,
    rightful: () => as(shop.staff, t.http.get(rightfulPath())),
  });

  /** Alice's object, tried by Mallory (and anyone in `others`): 404, as if it did not exist. */
  const alicesOwn = (
    attack: (user: TestUser) => ReturnType<TestApp['http']['get']>,
    read: () => Promise<unknown>,
    rightful: () => ReturnType<TestApp['http']['get']>,
    others: TestUser[] = [],
  ): Case => ({
    attacks: () => [mallory, ...others].map((user) => attack(user)),
    status: 404,
    read,
    rightful: () => as(alice.user, rightful()),
  });
  const review = () => rowOf(t, 'reviews', mine.reviewId);
  const wishlist = async () => ({
    list: await rowOf(t, 'wishlists', mine.wishlist.id),
    items: await rowsOf(t, 'wishlist_items', 'wishlist_id', mine.wishlist.id),
  });
  const addresses = () => rowsOf(t, 'user_addresses', 'user_id', alice.user.id);
  const attribute = async () => ({
    attribute: await rowOf(t, 'attributes', extras.attribute.id),
    values: await rowsOf(t, 'attribute_values', 'attribute_id', extras.attribute.id),
  });
  const variants = () => rowsOf(t, 'product_variants', 'product_id', extras.variantProduct.id);
  const coupon = () => rowOf(t, 'coupons', extras.coupon.id);
  const OWNER_COLUMN = { products: 'product_id', categories: 'category_id', brands: 'brand_id' };
  const images = (owner: ImageOwner) => () =>
    rowsOf(t, 'catalog_images', OWNER_COLUMN[owner], extras.images[owner].ownerId);

  /** The five image operations of one kind of owner: staff only. */
  const imageCases = (owner: ImageOwner, name: 'Product' | 'Category' | 'Brand') => {
    const base = () => `/api/${owner}/${extras.images[owner].ownerId}/images`;
    const image = (i: 0 | 1) => () => `${base()}/${extras.images[owner].imageIds[i]}`;
    return {
      [`list${name}Images`]: () => staffOnlyOn(base, 'get', undefined, images(owner)),
      [`upload${name}Image`]: () => staffOnlyOn(base, 'post', 'upload', images(owner)),
      [`update${name}Image`]: () =>
        staffOnlyOn(image(1), 'patch', { altText: 'Pwned', isPrimary: true }, images(owner), base),
      [`reorder${name}Images`]: () =>
        staffOnlyOn(
          () => `${base()}/order`,
          'put',
          { imageIds: [...extras.images[owner].imageIds].reverse() },
          images(owner),
          base,
        ),
      [`delete${name}Image`]: () => staffOnlyOn(image(0), 'delete', undefined, images(owner), base),
    } satisfies Record<string, () => Case>;
  };

  const hiddenRead = (path: () => string): Case => ({
    attacks: () => [as(mallory, t.http.get(path())), t.http.get(path())],
    status: 404,
    read: () => Promise.resolve(undefined),
    rightful: () => as(shop.staff, t.http.get(path())),
  });

  const CASES: Record<string, () => Case> = {
    getOrder: () => ({
      attacks: () => [
        as(mallory, t.http.get(`/api/orders/${alice.orderId}`)),
        t.http.get(`/api/orders/${alice.orderId}`).set('X-Order-Token', guestToken),
        as(mallory, t.http.get(`/api/orders/${alice.orderId}`)).set('X-Order-Token', guestToken),
      ],
      status: 404,
      read: orderStatus,
      rightful: () => as(alice.user, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    cancelOrder: () => ({
      attacks: () => [
        as(mallory, t.http.post(`/api/orders/${alice.orderId}/cancel`)).send({}),
        t.http
          .post(`/api/orders/${alice.orderId}/cancel`)
          .set('X-Order-Token', guestToken)
          .send({}),
      ],
      status: 404,
      read: orderStatus,
      rightful: () => as(shop.staff, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    updateOrderStatus: () => ({
      attacks: () => [
        as(mallory, t.http.patch(`/api/orders/${alice.orderId}/status`)).send({
          status: 'cancelled',
        }),
        as(alice.user, t.http.patch(`/api/orders/${alice.orderId}/status`)).send({
          status: 'delivered',
        }),
      ],
      status: 403,
      read: orderStatus,
      rightful: () => as(shop.staff, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    refundOrder: () => ({
      attacks: () => [
        as(mallory, t.http.post(`/api/orders/${alice.orderId}/refunds`)).send({}),
        as(alice.user, t.http.post(`/api/orders/${alice.orderId}/refunds`)).send({ amount: 1 }),
      ],
      status: 403,
      read: orderStatus,
      rightful: () => as(shop.staff, t.http.get(`/api/orders/${alice.orderId}`)),
    }),
    updateCartItem: () => ({
      attacks: () => [
        as(mallory, t.http.patch(`/api/cart/items/${alice.cartItemId}`)).send({ quantity: 7 }),
      ],
      status: 404,
      read: cartLine,
      rightful: () => as(alice.user, t.http.get('/api/cart')),
    }),
    removeCartItem: () => ({
      attacks: () => [as(mallory, t.http.delete(`/api/cart/items/${alice.cartItemId}`))],
      status: 404,
      read: cartLine,
      rightful: () => as(alice.user, t.http.get('/api/cart')),
    }),
    markNotificationRead: () => ({
      attacks: () => [as(mallory, t.http.post(`/api/notifications/${alice.notificationId}/read`))],
      status: 404,
      read: () => one('SELECT read_at FROM notifications WHERE id = $1', [alice.notificationId]),
      rightful: () => as(alice.user, t.http.get('/api/notifications/unread-count')),
    }),
    updateUserRole: () => ({
      attacks: () => [
        as(mallory, t.http.patch(`/api/users/${alice.user.id}/role`)).send({ role: 'customer' }),
        as(mallory, t.http.patch(`/api/users/${mallory.id}/role`)).send({ role: 'admin' }),
        as(shop.staff, t.http.patch(`/api/users/${shop.staff.id}/role`)).send({ role: 'admin' }),
      ],
      status: 403,
      read: () =>
        t.dataSource.query('SELECT id, role FROM users WHERE id = ANY($1) ORDER BY id', [
          [alice.user.id, mallory.id, shop.staff.id],
        ]),
      rightful: () => as(shop.admin, t.http.get('/api/users?pageSize=1')),
    }),
    getProduct: () => hiddenRead(() => `/api/products/${shop.hidden.product.slug}`),
    updateProduct: () =>
      staffOnlyOn(() => `/api/products/${shop.product.id}`, 'patch', { price: 1 }, product),
    deleteProduct: () =>
      staffOnlyOn(() => `/api/products/${shop.product.id}`, 'delete', undefined, product),
    getCategory: () => hiddenRead(() => `/api/categories/${shop.hidden.category.id}`),
    listCategoryProducts: () =>
      hiddenRead(() => `/api/categories/${shop.hidden.category.slug}/products`),
    updateCategory: () =>
      staffOnlyOn(
        () => `/api/categories/${shop.category.id}`,
        'patch',
        { name: 'Pwned', isActive: false },
        () => taxonomy('categories', shop.category.id),
      ),
    deleteCategory: () =>
      staffOnlyOn(
        () => `/api/categories/${shop.hidden.category.id}`,
        'delete',
        undefined,
        () => taxonomy('categories', shop.hidden.category.id),
      ),
    getBrand: () => hiddenRead(() => `/api/brands/${shop.hidden.brand.id}`),
    listBrandProducts: () => hiddenRead(() => `/api/brands/${shop.hidden.brand.slug}/products`),
    updateBrand: () =>
      staffOnlyOn(
        () => `/api/brands/${shop.brand.id}`,
        'patch',
        { name: 'Pwned' },
        () => taxonomy('brands', shop.brand.id),
      ),
    deleteBrand: () =>
      staffOnlyOn(
        () => `/api/brands/${shop.hidden.brand.id}`,
        'delete',
        undefined,
        () => taxonomy('brands', shop.hidden.brand.id),
      ),

    // Attributes and variants (docs/api/variants.md): writes are staff only; inactive variants,
    // and the variants of an inactive product, are hidden from everyone else.
    updateAttribute: () =>
      staffOnlyOn(
        () => `/api/attributes/${extras.attribute.id}`,
        'patch',
        { name: 'Pwned', position: 9 },
        attribute,
      ),
    deleteAttribute: () =>
      staffOnlyOn(() => `/api/attributes/${extras.attribute.id}`, 'delete', undefined, attribute),
    createAttributeValue: () =>
      staffOnlyOn(
        () => `/api/attributes/${extras.attribute.id}/values`,
        'post',
        { value: 'Pwned' },
        attribute,
        () => `/api/attributes/${extras.attribute.id}`,
      ),
    updateAttributeValue: () =>
      staffOnlyOn(
        () => `/api/attributes/${extras.attribute.id}/values/${extras.attribute.valueIds[0]}`,
        'patch',
        { value: 'Pwned' },
        attribute,
        () => `/api/attributes/${extras.attribute.id}`,
      ),
    deleteAttributeValue: () =>
      staffOnlyOn(
        () => `/api/attributes/${extras.attribute.id}/values/${extras.attribute.valueIds[1]}`,
        'delete',
        undefined,
        attribute,
        () => `/api/attributes/${extras.attribute.id}`,
      ),
    listProductVariants: () =>
      hiddenRead(() => `/api/products/${shop.hidden.product.slug}/variants`),
    getProductVariant: () =>
      hiddenRead(
        () => `/api/products/${extras.variantProduct.slug}/variants/${extras.hiddenVariant.id}`,
      ),
    createProductVariant: () =>
      staffOnlyOn(
        () => `/api/products/${extras.variantProduct.id}/variants`,
        'post',
        { sku: 'PWNED-1', price: 1, stock: 1, attributeValueIds: [extras.attribute.valueIds[1]] },
        variants,
      ),
    updateProductVariant: () =>
      staffOnlyOn(
        () => `/api/products/${extras.variantProduct.id}/variants/${extras.variant.id}`,
        'patch',
        { price: 1, stock: 99_999 },
        variants,
      ),
    deleteProductVariant: () =>
      staffOnlyOn(
        () => `/api/products/${extras.variantProduct.id}/variants/${extras.variant.id}`,
        'delete',
        undefined,
        variants,
      ),

    // Uploaded images (docs/api/media.md): every operation staff only, reads included.
    ...imageCases('products', 'Product'),
    ...imageCases('categories', 'Category'),
    ...imageCases('brands', 'Brand'),

    // Coupons (docs/api/coupons.md): codes are never readable by customers.
    getCoupon: () =>
      staffOnlyOn(() => `/api/coupons/${extras.coupon.id}`, 'get', undefined, coupon),
    updateCoupon: () =>
      staffOnlyOn(
        () => `/api/coupons/${extras.coupon.id}`,
        'patch',
        { discountValue: 100, usageLimit: null },
        coupon,
      ),
    deactivateCoupon: () =>
      staffOnlyOn(
        () => `/api/coupons/${extras.coupon.id}/deactivate`,
        'post',
        undefined,
        coupon,
        () => `/api/coupons/${extras.coupon.id}`,
      ),

    // Reviews (docs/api/reviews.md): Alice's pending review is hers (and staff's) alone.
    listProductReviews: () => ({
      attacks: () => [
        t.http.get(`/api/products/${shop.hidden.product.slug}/reviews`),
        as(mallory, t.http.get(`/api/products/${shop.hidden.product.id}/reviews`)),
      ],
      status: 404,
      read: () => Promise.resolve(undefined),
      rightful: () => t.http.get(`/api/products/${shop.product.slug}/reviews`),
    }),
    createReview: () => ({
      // Mallory's order of the product is not delivered: she may not review it.
      attacks: () => [
        as(mallory, t.http.post(`/api/products/${shop.product.id}/reviews`)).send(REVIEW),
      ],
      status: 403,
      read: () => rowsOf(t, 'reviews', 'product_id', shop.product.id),
      rightful: () => as(alice.user, t.http.get(`/api/reviews/${mine.reviewId}`)),
    }),
    getReview: () =>
      alicesOwn(
        (user) => as(user, t.http.get(`/api/reviews/${mine.reviewId}`)),
        review,
        () => t.http.get(`/api/reviews/${mine.reviewId}`),
      ),
    updateReview: () => ({
      // Not even staff edit a review: they moderate it.
      ...alicesOwn(
        (user) =>
          as(user, t.http.patch(`/api/reviews/${mine.reviewId}`)).send({
            rating: 1,
            text: 'Pwned',
          }),
        review,
        () => t.http.get(`/api/reviews/${mine.reviewId}`),
        [shop.staff],
      ),
    }),
    deleteReview: () =>
      alicesOwn(
        (user) => as(user, t.http.delete(`/api/reviews/${mine.reviewId}`)),
        review,
        () => t.http.get(`/api/reviews/${mine.reviewId}`),
      ),
    moderateReview: () => ({
      // Not even its author approves it.
      attacks: () =>
        [mallory, alice.user].map((user) =>
          as(user, t.http.patch(`/api/reviews/${mine.reviewId}/status`)).send({
            status: 'approved',
          }),
        ),
      status: 403,
      read: review,
      rightful: () => as(shop.staff, t.http.get(`/api/reviews/${mine.reviewId}`)),
    }),

    // Wishlists (docs/api/wishlists.md): another's list is 404, public or not.
    getWishlist: () =>
      alicesOwn(
        (user) => as(user, t.http.get(`/api/wishlists/${mine.wishlist.id}`)),
        wishlist,
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    updateWishlist: () =>
      alicesOwn(
        (user) =>
          as(user, t.http.patch(`/api/wishlists/${mine.wishlist.id}`)).send({
            name: 'Pwned',
            isPublic: false,
            isDefault: true,
          }),
        wishlist,
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    deleteWishlist: () =>
      alicesOwn(
        (user) => as(user, t.http.delete(`/api/wishlists/${mine.wishlist.id}`)),
        wishlist,
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    rotateWishlistShareToken: () =>
      alicesOwn(
        (user) => as(user, t.http.post(`/api/wishlists/${mine.wishlist.id}/share-token`)),
        wishlist,
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    addWishlistItem: () =>
      alicesOwn(
        (user) =>
          as(user, t.http.post(`/api/wishlists/${mine.wishlist.id}/items`)).send({
            productId: extras.variantProduct.id,
          }),
        wishlist,
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    removeWishlistItem: () =>
      alicesOwn(
        (user) =>
          as(user, t.http.delete(`/api/wishlists/${mine.wishlist.id}/items/${shop.product.id}`)),
        wishlist,
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    moveWishlistItemToCart: () =>
      alicesOwn(
        (user) =>
          as(
            user,
            t.http.post(`/api/wishlists/${mine.wishlist.id}/items/${shop.product.id}/move-to-cart`),
          ).send({ quantity: 1 }),
        async () => ({
          wishlist: await wishlist(),
          malloryCart: await t.dataSource.query(
            `SELECT i.product_id, i.quantity FROM cart_items i JOIN carts c ON c.id = i.cart_id
              WHERE c.user_id = $1 ORDER BY i.id`,
            [mallory.id],
          ),
        }),
        () => t.http.get(`/api/wishlists/${mine.wishlist.id}`),
      ),
    getSharedWishlist: () => ({
      // A private list's token, and a token rotated away, read as unknown: to everyone.
      attacks: () => [
        t.http.get(`/api/shared-wishlists/${mine.privateWishlist.shareToken}`),
        as(mallory, t.http.get(`/api/shared-wishlists/${mine.privateWishlist.shareToken}`)),
        as(alice.user, t.http.get(`/api/shared-wishlists/${mine.privateWishlist.shareToken}`)),
        t.http.get(`/api/shared-wishlists/${mine.wishlist.oldShareToken}`),
      ],
      status: 404,
      read: () => rowOf(t, 'wishlists', mine.privateWishlist.id),
      rightful: () => t.http.get(`/api/shared-wishlists/${mine.wishlist.shareToken}`),
    }),

    // The address book (docs/api/profiles.md): another's address is 404.
    getAddress: () =>
      alicesOwn(
        (user) => as(user, t.http.get(`/api/me/addresses/${mine.addressId}`)),
        addresses,
        () => t.http.get(`/api/me/addresses/${mine.addressId}`),
      ),
    updateAddress: () =>
      alicesOwn(
        (user) =>
          as(user, t.http.patch(`/api/me/addresses/${mine.addressId}`)).send({
            line1: '666 Pwned Road',
          }),
        addresses,
        () => t.http.get(`/api/me/addresses/${mine.addressId}`),
      ),
    deleteAddress: () =>
      alicesOwn(
        (user) => as(user, t.http.delete(`/api/me/addresses/${mine.addressId}`)),
        addresses,
        () => t.http.get(`/api/me/addresses/${mine.addressId}`),
      ),
    setDefaultShippingAddress: () =>
      alicesOwn(
        (user) => as(user, t.http.post(`/api/me/addresses/${mine.addressId}/default-shipping`)),
        addresses,
        () => t.http.get(`/api/me/addresses/${mine.addressId}`),
      ),
    setDefaultBillingAddress: () =>
      alicesOwn(
        (user) => as(user, t.http.post(`/api/me/addresses/${mine.addressId}/default-billing`)),
        addresses,
        () => t.http.get(`/api/me/addresses/${mine.addressId}`),
      ),
  };

  /** Id-taking operations with nothing to protect: public objects without a hidden state. */
  const EXCLUDED: Record<string, { reason: string; path: () => string }> = {
    getAttribute: {
      reason:
        'attributes have no owner and no inactive state; they are public filter vocabulary (docs/api/variants.md)',
      path: () => `/api/attributes/${extras.attribute.slug}`,
    },
  };

  /**
   * Id-taking operations on objects no customer owns, reachable by admins only (function-level
   * authorization, role-escalation.e2e-spec.ts): a customer is refused before any lookup.
   */
  const NO_WEBHOOK = '00000000-0000-4000-8000-00000000beef';
  const ADMIN_OBJECTS: Record<string, () => [method: 'get' | 'post' | 'patch' | 'delete', string]> =
    {
      getWebhookEndpoint: () => ['get', `/api/webhooks/${NO_WEBHOOK}`],
      updateWebhookEndpoint: () => ['patch', `/api/webhooks/${NO_WEBHOOK}`],
      deleteWebhookEndpoint: () => ['delete', `/api/webhooks/${NO_WEBHOOK}`],
      rotateWebhookSecret: () => ['post', `/api/webhooks/${NO_WEBHOOK}/secret`],
      listWebhookDeliveries: () => ['get', `/api/webhooks/${NO_WEBHOOK}/deliveries`],
      redeliverWebhook: () => [
        'post',
        `/api/webhooks/${NO_WEBHOOK}/deliveries/${NO_WEBHOOK}/redeliver`,
      ],
    };

  it('has a case for every operation of openapi.json that takes an id in its path', () => {
    const idTaking = documentedOperations()
      .filter((op) => op.parameters.some((p) => p.in === 'path'))
      .map((op) => op.operationId)
      .sort();
    expect(
      [...Object.keys(CASES), ...Object.keys(EXCLUDED), ...Object.keys(ADMIN_OBJECTS)].sort(),
    ).toEqual(idTaking);
  });

  it.each(Object.keys(ADMIN_OBJECTS))(
    '%s reaches objects no customer owns: a customer is refused (403) before any lookup',
    async (operationId) => {
      const [method, path] = ADMIN_OBJECTS[operationId]?.() ?? ['get', '/'];
      const res = await t.http[method](path).set('Authorization', alice.user.auth);
      expect(res.status).toBe(403);
    },
  );

  it.each(Object.keys(EXCLUDED))(
    '%s is excluded because it is public with nothing hidden: anyone reads it',
    async (operationId) => {
      const excluded = EXCLUDED[operationId];
      expect(excluded?.reason).toEqual(expect.any(String));
      await t.http.get(excluded?.path() ?? '').expect(200);
    },
  );

  it.each(Object.keys(CASES))(
    "%s: a customer cannot reach another's (or a hidden) object, which stays unchanged",
    async (operationId) => {
      const c = CASES[operationId]();
      const before = await c.read();
      for (const res of await Promise.all(c.attacks())) expectErrorShape(res, c.status);
      expect(await c.read()).toEqual(before);
      const rightful = await c.rightful();
      expect(rightful.status).toBe(200);
    },
  );

  it("gives another customer's order the very 404 of an order that does not exist (no oracle)", async () => {
    const theirs = await as(mallory, t.http.get(`/api/orders/${alice.orderId}`));
    const nobodys = await as(mallory, t.http.get(`/api/orders/${randomUUID()}`));
    const strip = (res: Response) => ({ ...(res.body as object), requestId: undefined });
    expect(strip(theirs)).toEqual(strip(nobodys));
    expect(theirs.status).toBe(404);
    // A guest's order token on someone else's order: the same 404 again.
    const byToken = await t.http
      .get(`/api/orders/${alice.orderId}`)
      .set('X-Order-Token', guestToken);
    expect(strip(byToken)).toEqual(strip(nobodys));
  });

  it("ignores ?userId= from a customer: listOrders shows only the caller's orders", async () => {
    const res = await as(mallory, t.http.get(`/api/orders?userId=${alice.user.id}`)).expect(200);
    const owners = new Set((res.body.items as Array<{ userId: string }>).map((o) => o.userId));
    expect([...owners]).toEqual([mallory.id]);
    expect(res.text).not.toContain(alice.orderId);
  });

  it("never lists another customer's notifications, whatever `after` is", async () => {
    for (const query of ['', `?after=${alice.notificationId}`, '?unread=true&limit=100']) {
      const res = await as(mallory, t.http.get(`/api/notifications${query}`)).expect(200);
      expect(res.text).not.toContain(alice.notificationId);
      expect(res.text).not.toContain(alice.orderId);
    }
  });

  it('shows each customer their own cart only', async () => {
    const res = await as(mallory, t.http.get('/api/cart')).expect(200);
    expect(res.text).not.toContain(alice.cartItemId);
  });

  it("never lists another customer's wishlists, addresses or pending review", async () => {
    for (const path of [
      '/api/wishlists',
      '/api/wishlists/default',
      '/api/me/addresses',
      '/api/reviews/mine',
      `/api/products/${shop.product.slug}/reviews?pageSize=100`,
    ]) {
      const res = await as(mallory, t.http.get(path)).expect(200);
      for (const id of [mine.wishlist.id, mine.privateWishlist.id, mine.addressId, mine.reviewId])
        expect(res.text).not.toContain(id);
    }
    const anonymous = await t.http.get(`/api/products/${shop.product.slug}/reviews`).expect(200);
    expect(anonymous.text).not.toContain(mine.reviewId);
  });

  it("gives another's review, wishlist and address the very 404 of one that does not exist", async () => {
    const strip = (res: Response) => ({ ...(res.body as object), requestId: undefined });
    for (const [base, id] of [
      ['/api/reviews', mine.reviewId],
      ['/api/wishlists', mine.wishlist.id],
      ['/api/me/addresses', mine.addressId],
    ]) {
      const theirs = await as(mallory, t.http.get(`${base}/${id}`));
      const nobodys = await as(mallory, t.http.get(`${base}/${randomUUID()}`));
      expectErrorShape(theirs, 404);
      expect(strip(theirs)).toEqual(strip(nobodys));
    }
  });

  it('shows nothing of the owner through a share link', async () => {
    const res = await t.http.get(`/api/shared-wishlists/${mine.wishlist.shareToken}`).expect(200);
    expect(res.body.items).toHaveLength(1);
    for (const secret of [alice.user.id, alice.user.email, mine.wishlist.id, alice.user.name])
      expect(res.text).not.toContain(secret);
  });
});
