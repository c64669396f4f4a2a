import {
  EmailAlreadyVerifiedError,
  EmailNotVerifiedError,
  EmailTakenError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  InvalidResetTokenError,
  InvalidVerificationTokenError,
  LastAdminError,
  WeakPasswordError,
  WrongCurrentPasswordError,
} from '@/accounts/accounts.errors.js';
import { SkuTakenError } from '@/catalog/products/products.errors.js';
import {
  BrandInUseError,
  CategoryHasChildrenError,
  CategoryInUseError,
} from '@/catalog/taxonomy/taxonomy.errors.js';
import {
  AttributeInUseError,
  AttributeNameTakenError,
  AttributeValueInUseError,
  AttributeValueTakenError,
  CatalogSkuTakenError,
  ProductStockTooLargeError,
  StockManagedByVariantsError,
  VariantCombinationTakenError,
  VariantRequiredError,
} from '@/catalog/variants/variants.errors.js';
import {
  CouponCodeTakenError,
  CouponNotApplicableError,
  CouponNotFoundError,
} from '@/coupons/coupons.errors.js';
import {
  ImageDimensionsTooLargeError,
  ImageTooLargeError,
  InvalidImageError,
  MissingFileError,
  TooManyImagesError,
  UnsupportedImageTypeError,
} from '@/media/media.errors.js';
import {
  CartLineLimitError,
  EmptyCartError,
  IdempotencyInProgressError,
  IdempotencyKeyReusedError,
  IllegalOrderTransitionError,
  InsufficientStockError,
  OrderChangedConcurrentlyError,
  OrderTooLargeError,
  ProductUnavailableError,
} from '@/orders/orders.errors.js';
import { AddressBookFullError } from '@/profiles/profiles.errors.js';
import {
  PurchaseRequiredError,
  ReviewAlreadyInStatusError,
  ReviewExistsError,
} from '@/reviews/reviews.errors.js';
import {
  InvalidSignatureError,
  OrderNotPaidError,
  PaymentProviderError,
  PaymentProviderNotConfiguredError,
  RefundExceedsPaidError,
} from '@/payments/payments.errors.js';
import {
  WebhookEndpointDisabledError,
  WebhookTargetForbiddenError,
} from '@/webhooks/webhooks.errors.js';
import { DefaultWishlistRequiredError, WishlistLimitError } from '@/wishlists/wishlists.errors.js';
import type { ErrorClass } from './error-catalog.js';

const IMAGE_UPLOAD: ErrorClass[] = [
  MissingFileError,
  ImageTooLargeError,
  UnsupportedImageTypeError,
  InvalidImageError,
  ImageDimensionsTooLargeError,
];
const CATALOG_IMAGE_UPLOAD: ErrorClass[] = [...IMAGE_UPLOAD, TooManyImagesError];
const CART_LINE: ErrorClass[] = [
  InsufficientStockError,
  ProductUnavailableError,
  VariantRequiredError,
  CartLineLimitError,
];

/**
 * The domain errors each operation can answer, by operationId: the one place an operation's
 * particular codes are declared (error-responses.ts turns them into the document's enums and
 * `details` schemas). The codes every operation of a kind answers (validation, authentication,
 * roles, not found, the HTTP layer's) are added by status and need no entry. Kept beside the
 * document rather than on the handlers so the whole error contract reads in one table; an
 * operationId that does not exist fails the generation.
 */
export const OPERATION_ERRORS: Readonly<Record<string, readonly ErrorClass[]>> = {
  // Accounts
  register: [EmailTakenError, WeakPasswordError],
  login: [InvalidCredentialsError],
  refreshToken: [InvalidRefreshTokenError],
  resetPassword: [InvalidResetTokenError, WeakPasswordError],
  verifyEmail: [InvalidVerificationTokenError],
  resendVerificationEmail: [EmailAlreadyVerifiedError],
  changePassword: [WrongCurrentPasswordError, WeakPasswordError],
  updateUserRole: [LastAdminError],
  createAddress: [AddressBookFullError],
  uploadProfileImage: IMAGE_UPLOAD,
  // Catalog
  createProduct: [SkuTakenError],
  updateProduct: [SkuTakenError, StockManagedByVariantsError],
  createProductVariant: [
    CatalogSkuTakenError,
    VariantCombinationTakenError,
    ProductStockTooLargeError,
  ],
  updateProductVariant: [
    CatalogSkuTakenError,
    VariantCombinationTakenError,
    ProductStockTooLargeError,
  ],
  createAttribute: [AttributeNameTakenError],
  updateAttribute: [AttributeNameTakenError],
  deleteAttribute: [AttributeInUseError],
  createAttributeValue: [AttributeValueTakenError],
  updateAttributeValue: [AttributeValueTakenError],
  deleteAttributeValue: [AttributeValueInUseError],
  deleteCategory: [CategoryInUseError, CategoryHasChildrenError],
  deleteBrand: [BrandInUseError],
  uploadProductImage: CATALOG_IMAGE_UPLOAD,
  uploadCategoryImage: CATALOG_IMAGE_UPLOAD,
  uploadBrandImage: CATALOG_IMAGE_UPLOAD,
  createReview: [PurchaseRequiredError, ReviewExistsError],
  moderateReview: [ReviewAlreadyInStatusError],
  // Cart, coupons and checkout
  addCartItem: CART_LINE,
  updateCartItem: CART_LINE,
  validateCoupon: [EmptyCartError, CouponNotFoundError, CouponNotApplicableError],
  checkout: [
    EmailNotVerifiedError,
    EmptyCartError,
    OrderTooLargeError,
    InsufficientStockError,
    ProductUnavailableError,
    CouponNotFoundError,
    CouponNotApplicableError,
    IdempotencyKeyReusedError,
    IdempotencyInProgressError,
  ],
  checkoutGuestCart: [
    EmptyCartError,
    OrderTooLargeError,
    InsufficientStockError,
    ProductUnavailableError,
    CouponNotFoundError,
    CouponNotApplicableError,
    IdempotencyKeyReusedError,
    IdempotencyInProgressError,
  ],
  createCoupon: [CouponCodeTakenError],
  updateCoupon: [CouponCodeTakenError],
  // Orders
  cancelOrder: [IllegalOrderTransitionError, OrderChangedConcurrentlyError],
  updateOrderStatus: [IllegalOrderTransitionError, OrderChangedConcurrentlyError],
  // Payments
  refundOrder: [OrderNotPaidError, RefundExceedsPaidError, PaymentProviderError],
  handleStripeWebhook: [InvalidSignatureError, PaymentProviderNotConfiguredError],
  // Wishlists
  createWishlist: [WishlistLimitError],
  updateWishlist: [DefaultWishlistRequiredError],
  addWishlistItem: [WishlistLimitError],
  moveWishlistItemToCart: CART_LINE,
  // Webhooks
  createWebhookEndpoint: [WebhookTargetForbiddenError],
  updateWebhookEndpoint: [WebhookTargetForbiddenError],
  redeliverWebhook: [WebhookEndpointDisabledError],
};
