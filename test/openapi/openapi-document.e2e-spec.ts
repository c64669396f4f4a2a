import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { generateOpenApiDocument, serializeDocument } from '@/openapi/generate.js';

/** Every operation of API.md, by operationId (binding for generated clients). */
const API_OPERATIONS = [
  'register',
  'login',
  'refreshToken',
  'logout',
  'getMe',
  'updateMe',
  'changePassword',
  'listUsers',
  'updateUserRole',
  'listProducts',
  'listFeaturedProducts',
  'getProduct',
  'createProduct',
  'updateProduct',
  'deleteProduct',
  'listCategories',
  'getCategory',
  'listCategoryProducts',
  'createCategory',
  'updateCategory',
  'deleteCategory',
  'listBrands',
  'getBrand',
  'listBrandProducts',
  'createBrand',
  'updateBrand',
  'deleteBrand',
  'getCart',
  'addCartItem',
  'updateCartItem',
  'removeCartItem',
  'clearCart',
  'checkout',
  'listOrders',
  'getOrder',
  'cancelOrder',
  'updateOrderStatus',
  'listNotifications',
  'countUnreadNotifications',
  'markNotificationRead',
  'markAllNotificationsRead',
];

/** The operations beyond API.md (issue 9 and later), each documented in docs/api/. */
const EXTENSION_OPERATIONS = [
  // webhooks (docs/api/webhooks.md)
  'createWebhookEndpoint',
  'listWebhookEndpoints',
  'getWebhookEndpoint',
  'updateWebhookEndpoint',
  'deleteWebhookEndpoint',
  'rotateWebhookSecret',
  'listWebhookDeliveries',
  'redeliverWebhook',
  // variants and attributes (docs/api/variants.md)
  'listAttributes',
  'getAttribute',
  'createAttribute',
  'updateAttribute',
  'deleteAttribute',
  'createAttributeValue',
  'updateAttributeValue',
  'deleteAttributeValue',
  'listProductVariants',
  'getProductVariant',
  'createProductVariant',
  'updateProductVariant',
  'deleteProductVariant',
  // images (docs/api/media.md)
  'listProductImages',
  'uploadProductImage',
  'updateProductImage',
  'reorderProductImages',
  'deleteProductImage',
  'listCategoryImages',
  'uploadCategoryImage',
  'updateCategoryImage',
  'reorderCategoryImages',
  'deleteCategoryImage',
  'listBrandImages',
  'uploadBrandImage',
  'updateBrandImage',
  'reorderBrandImages',
  'deleteBrandImage',
  // guest checkout (docs/api/guest-checkout.md)
  'checkoutGuestCart',
  // coupons (docs/api/coupons.md)
  'listCoupons',
  'getCoupon',
  'createCoupon',
  'updateCoupon',
  'deactivateCoupon',
  'validateCoupon',
  // reviews (docs/api/reviews.md)
  'listProductReviews',
  'createReview',
  'listReviews',
  'listMyReviews',
  'getReview',
  'updateReview',
  'deleteReview',
  'moderateReview',
  // wishlists (docs/api/wishlists.md)
  'listWishlists',
  'getWishlist',
  'createWishlist',
  'updateWishlist',
  'deleteWishlist',
  'addWishlistItem',
  'removeWishlistItem',
  'moveWishlistItemToCart',
  'rotateWishlistShareToken',
  'getSharedWishlist',
  // profiles (docs/api/profiles.md)
  'getProfile',
  'updateProfile',
  'getProfileCompleteness',
  'uploadProfileImage',
  'deleteProfileImage',
  'listAddresses',
  'getAddress',
  'createAddress',
  'updateAddress',
  'deleteAddress',
  'setDefaultShippingAddress',
  'setDefaultBillingAddress',
  // staff order tools (docs/api/orders-admin.md)
  'bulkUpdateOrderStatus',
  // account recovery
  'requestPasswordReset',
  'resetPassword',
  'verifyEmail',
  'resendVerificationEmail',
  // payments (docs/api/payments.md)
  'refundOrder',
  'handleStripeWebhook',
];

type Operation = {
  operationId: string;
  security: unknown[];
  responses: Record<
    string,
    {
      content?: Record<string, { schema?: { $ref?: string; oneOf?: Array<{ $ref?: string }> } }>;
      headers?: Record<string, { $ref?: string }>;
    }
  >;
  parameters?: Array<{ name: string; in: string }>;
};

const operationsOf = (document: { paths: object }): Operation[] =>
  Object.values(document.paths).flatMap((path) => Object.values(path as Record<string, Operation>));

/** Every schema object of `node`, depth first. */
function* schemasIn(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) for (const item of node) yield* schemasIn(item);
  else if (node && typeof node === 'object') {
    yield node as Record<string, unknown>;
    for (const value of Object.values(node)) yield* schemasIn(value);
  }
}

describe('the OpenAPI document', () => {
  it('is committed up to date in openapi.json (run `npm run openapi` after an API change)', async () => {
    const generated = serializeDocument(await generateOpenApiDocument());
    const committed = readFileSync('openapi.json', 'utf8');
    expect(generated).toBe(committed);
  });

  it('is built from the committed src/metadata.ts, up to date (run `npm run openapi:metadata` after a DTO change)', () => {
    const out = mkdtempSync(join(tmpdir(), 'openapi-metadata-'));
    try {
      const run = spawnSync(process.execPath, ['scripts/openapi-metadata.mjs', out], {
        encoding: 'utf8',
      });
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const fresh = readFileSync(join(out, 'metadata.ts'), 'utf8');
      if (fresh !== readFileSync('src/metadata.ts', 'utf8'))
        throw new Error('src/metadata.ts is stale: run npm run openapi:metadata');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('has every operation of API.md and of docs/api, with its own operationId and never Nest’s default form', async () => {
    const document = await generateOpenApiDocument();
    const operations = Object.values(document.paths).flatMap((path) =>
      Object.values(path as Record<string, Operation>),
    );
    const ids = operations.map((o) => o.operationId);
    expect([...ids].sort()).toEqual([...API_OPERATIONS, ...EXTENSION_OPERATIONS].sort());
    for (const id of ids) expect(id).not.toMatch(/Controller_|_/);
  });

  it('documents a success schema, the error schema, and security on every operation', async () => {
    const document = await generateOpenApiDocument();
    for (const [path, item] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
        const where = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        expect({ where, security: Array.isArray(op.security) }).toEqual({ where, security: true });
        const success = statuses.filter((s) => s.startsWith('2'));
        expect({ where, success: success.length }).toEqual({ where, success: 1 });
        // 204, and a 202 that only says "accepted" (requestPasswordReset), have no body.
        if (success[0] !== '204' && success[0] !== '202')
          expect({ where, schema: Boolean(op.responses[success[0]]?.content) }).toEqual({
            where,
            schema: true,
          });
        // Each error status: one code's schema, or a `oneOf` of them, each an `Error`.
        for (const status of statuses.filter((s) => /^[45]/.test(s))) {
          const schema = op.responses[status]?.content?.['application/json']?.schema;
          const refs = schema?.oneOf ? schema.oneOf.map((s) => s.$ref) : [schema?.$ref];
          for (const ref of refs) {
            const name = ref?.replace('#/components/schemas/', '') ?? '';
            const codeSchema = document.components?.schemas?.[name] as
              { allOf?: Array<{ $ref?: string }> } | undefined;
            expect({ where, status, ref, base: codeSchema?.allOf?.[0]?.$ref }).toEqual({
              where,
              status,
              ref: expect.stringMatching(/^#\/components\/schemas\/[A-Za-z]+Error$/),
              base: '#/components/schemas/Error',
            });
          }
        }
        if (
          op.security.length > 0 &&
          !op.security.some((s) => Object.keys(s as object).length === 0)
        ) {
          expect({ where, has401: statuses.includes('401') }).toEqual({ where, has401: true });
        }
      }
    }
    const checkout = document.paths['/api/orders']?.post as Operation | undefined;
    expect(
      checkout?.parameters?.some((p) => p.name === 'Idempotency-Key' && p.in === 'header'),
    ).toBe(true);
  });

  describe('for validators and generators', () => {
    let document: Awaited<ReturnType<typeof generateOpenApiDocument>>;
    beforeAll(async () => {
      document = await generateOpenApiDocument();
    });
    const schema = (name: string) =>
      document.components?.schemas?.[name] as { properties: Record<string, unknown> };
    const op = (id: string): Operation => {
      const found = operationsOf(document).find((o) => o.operationId === id);
      if (!found) throw new Error(`no operation ${id}`);
      return found;
    };

    it('is OpenAPI 3.1: a nullable reference or scalar admits null in the JSON Schema way, never with `nullable`', () => {
      expect(document.openapi).toBe('3.1.0');
      expect([...schemasIn(document)].filter((s) => 'nullable' in s)).toEqual([]);
      const nullRef = (target: string) => ({
        anyOf: [{ $ref: `#/components/schemas/${target}` }, { type: 'null' }],
      });
      expect(schema('Product').properties.brand).toMatchObject(nullRef('BrandRef'));
      expect(schema('CartItem').properties.variant).toMatchObject(nullRef('ProductVariant'));
      expect(schema('CartItem').properties.issue).toMatchObject(nullRef('CartItemIssue'));
      expect(schema('OrderHistoryEntry').properties.from).toMatchObject(nullRef('OrderStatus'));
      expect(schema('User').properties.defaultShippingAddress).toMatchObject(nullRef('Address'));
      expect(schema('Category').properties.description).toMatchObject({
        type: ['string', 'null'],
      });
    });

    it('declares media URLs, which may be relative `/media/...` paths, as URI references', () => {
      expect(schema('ProductImage').properties.url).toMatchObject({ format: 'uri-reference' });
      expect(schema('Category').properties.imageUrl).toMatchObject({ format: 'uri-reference' });
      expect(schema('Brand').properties.logoUrl).toMatchObject({ format: 'uri-reference' });
    });

    it('lists each security requirement of an operation once', () => {
      for (const o of operationsOf(document)) {
        const keys = o.security.map((s) => JSON.stringify(s));
        expect({ op: o.operationId, keys }).toEqual({
          op: o.operationId,
          keys: [...new Set(keys)],
        });
      }
      expect(op('updateOrderStatus').security).toEqual([{ bearer: [] }]);
    });

    it('documents X-Request-Id on every response, Retry-After on every 429 and 503, and the per-operation headers', () => {
      const ref = (name: string) => ({ $ref: `#/components/headers/${name}` });
      for (const o of operationsOf(document)) {
        expect(Object.keys(o.responses)).toEqual(expect.arrayContaining(['429', '503']));
        for (const [status, response] of Object.entries(o.responses)) {
          const where = `${o.operationId} ${status}`;
          expect({ where, id: response.headers?.['X-Request-Id'] }).toEqual({
            where,
            id: ref('X-Request-Id'),
          });
          if (status === '429' || status === '503')
            expect({ where, retry: response.headers?.['Retry-After'] }).toEqual({
              where,
              retry: ref('Retry-After'),
            });
        }
      }
      for (const id of [
        'listProducts',
        'listFeaturedProducts',
        'getProduct',
        'listCategories',
        'getCategory',
        'listCategoryProducts',
        'listBrands',
        'getBrand',
        'listBrandProducts',
      ])
        expect({
          id,
          ok: op(id).responses['200']?.headers,
          notModified: op(id).responses['304']?.headers,
          ifNoneMatch: op(id).parameters?.some(
            (p) => p.in === 'header' && p.name === 'If-None-Match',
          ),
        }).toEqual({
          id,
          ok: expect.objectContaining({
            'X-Cache': ref('X-Cache'),
            ETag: ref('ETag'),
            'Cache-Control': ref('Cache-Control'),
          }),
          notModified: expect.objectContaining({
            ETag: ref('ETag'),
            'Cache-Control': ref('Cache-Control'),
          }),
          ifNoneMatch: true,
        });
      expect(op('checkout').responses['201']?.headers?.['Idempotent-Replayed']).toEqual(
        ref('Idempotent-Replayed'),
      );
      expect(op('addCartItem').responses['200']?.headers?.['X-Cart-Token']).toEqual(
        ref('X-Cart-Token'),
      );
      expect(Object.keys(document.components?.headers ?? {}).sort()).toEqual(
        [
          'Cache-Control',
          'ETag',
          'Idempotent-Replayed',
          'Retry-After',
          'X-Cache',
          'X-Cart-Token',
          'X-Request-Id',
        ].sort(),
      );
    });

    it("documents the router's 400 and 414 on every operation with a path parameter, and checkout's 404", () => {
      for (const o of operationsOf(document)) {
        if (!o.parameters?.some((p) => p.in === 'path')) continue;
        expect({ op: o.operationId, statuses: Object.keys(o.responses) }).toEqual({
          op: o.operationId,
          statuses: expect.arrayContaining(['400', '414']),
        });
      }
      expect(Object.keys(op('getProduct').responses)).toEqual(
        expect.arrayContaining(['400', '404', '414']),
      );
      expect(Object.keys(op('checkout').responses)).toContain('404');
    });
  });
});
