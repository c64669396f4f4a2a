import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
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

/** The operations beyond API.md (issue 9), each documented in docs/api/. */
const EXTENSION_OPERATIONS = [
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
];

type Operation = {
  operationId: string;
  security: unknown[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>;
  parameters?: Array<{ name: string; in: string }>;
};

describe('the OpenAPI document', () => {
  it('is committed up to date in openapi.json (run `npm run openapi` after an API change)', async () => {
    const generated = serializeDocument(await generateOpenApiDocument());
    const committed = readFileSync('openapi.json', 'utf8');
    expect(generated).toBe(committed);
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
        if (success[0] !== '204')
          expect({ where, schema: Boolean(op.responses[success[0]]?.content) }).toEqual({
            where,
            schema: true,
          });
        for (const status of statuses.filter((s) => /^[45]/.test(s))) {
          const ref = op.responses[status]?.content?.['application/json']?.schema?.$ref;
          expect({ where, status, ref }).toEqual({
            where,
            status,
            ref: '#/components/schemas/Error',
          });
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
});
