import { EmailVerificationToken } from '@/accounts/email-verification-token.entity.js';
import { PasswordResetToken } from '@/accounts/password-reset-token.entity.js';
import { RefreshToken } from '@/accounts/refresh-token.entity.js';
import { User } from '@/accounts/user.entity.js';
import { Brand } from '@/catalog/taxonomy/brand.entity.js';
import { Category } from '@/catalog/taxonomy/category.entity.js';
import { Product } from '@/catalog/products/product.entity.js';
import { VARIANT_ENTITIES } from '@/catalog/variants/variants.providers.js';
import { Notification } from '@/notifications/notification.entity.js';
import { CartItem } from '@/orders/cart-item.entity.js';
import { Cart } from '@/orders/cart.entity.js';
import { GuestIdempotencyKey, IdempotencyKey } from '@/orders/idempotency-key.entity.js';
import { OrderItem } from '@/orders/order-item.entity.js';
import { OrderStatusHistory } from '@/orders/order-status-history.entity.js';
import { Order } from '@/orders/order.entity.js';
import { Review } from '@/reviews/review.entity.js';
import { CouponRedemption } from '@/coupons/coupon-redemption.entity.js';
import { Coupon } from '@/coupons/coupon.entity.js';
import { WishlistItem } from '@/wishlists/wishlist-item.entity.js';
import { Wishlist } from '@/wishlists/wishlist.entity.js';
import { CatalogImage } from '@/media/catalog-image.entity.js';
import { UserAddress } from '@/profiles/user-address.entity.js';
import { UserProfile } from '@/profiles/user-profile.entity.js';
import { OutboxEvent } from '@/outbox/outbox-event.entity.js';
import { Payment } from '@/payments/payment.entity.js';
import { ProcessedProviderEvent } from '@/payments/processed-provider-event.entity.js';
import { Refund } from '@/payments/refund.entity.js';
import { WebhookDeliveryAttempt } from '@/webhooks/webhook-delivery-attempt.entity.js';
import { WebhookDelivery } from '@/webhooks/webhook-delivery.entity.js';
import { WebhookEndpoint } from '@/webhooks/webhook-endpoint.entity.js';

/** Every entity, for the data source shared by the app, the CLIs and the TypeORM CLI. */
export const entities = [
  User,
  RefreshToken,
  PasswordResetToken,
  EmailVerificationToken,
  Category,
  Brand,
  Product,
  Cart,
  CartItem,
  Order,
  OrderItem,
  OrderStatusHistory,
  IdempotencyKey,
  GuestIdempotencyKey,
  Notification,
  Review,
  Wishlist,
  WishlistItem,
  Coupon,
  CouponRedemption,
  UserProfile,
  UserAddress,
  CatalogImage,
  OutboxEvent,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryAttempt,
  Payment,
  Refund,
  ProcessedProviderEvent,
  ...VARIANT_ENTITIES,
];
