import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import {
  EMAIL_VERIFICATION_GATE,
  type EmailVerificationGate,
} from '@/accounts/email-verification.gate.js';
import { type LockedProduct, type LockedVariant, StockService } from '@/catalog/index.js';
import type { Address } from '@/common/address.js';
import type { AuthUser } from '@/common/auth.js';
import { ValidationFailedError } from '@/common/domain-error.js';
import { DomainEventBus } from '@/common/events/domain-event-bus.js';
import {
  type AppliedCoupon,
  type CouponCustomer,
  CouponRedemptionsService,
} from '@/coupons/coupon-redemptions.service.js';
import { withTransactionRetry } from '@/database/transaction-retry.js';
import { PaymentsService } from '@/payments/payments.service.js';
import { DefaultAddressProvider } from '@/profiles/default-address.provider.js';
import type { CouponQuoteDto } from './dto/cart.dto.js';
import type { CheckoutDto, OrderDto } from './dto/order.dto.js';
import { claimKey, type IdempotencyScope, requestHash, storeAnswer } from './idempotency.js';
import { OrderItem } from './order-item.entity.js';
import { Order } from './order.entity.js';
import {
  EmptyCartError,
  InsufficientStockError,
  OrderTooLargeError,
  ProductUnavailableError,
} from './orders.errors.js';
import { OrdersQueryService } from './orders-query.service.js';
import {
  MAX_ORDER_AMOUNT,
  priceOrder,
  SHIPPING_STRATEGY,
  subtotalOf,
  type ShippingStrategy,
  TAX_STRATEGY,
  type TaxStrategy,
} from './pricing.js';

export { IDEMPOTENCY_TTL_HOURS } from './idempotency.js';

/**
 * Who checks out: a signed-in customer (their cart), or a guest (the guest cart `cartId`, already
 * locked by the caller, with the contact address `email` and the SHA-256 of the order token the
 * order will open to). Everything else, stock, prices, coupons and the cart, is the same path.
 */
export type Buyer =
  | { kind: 'user'; user: AuthUser }
  | { kind: 'guest'; cartId: string; email: string; orderId: string; tokenHash: string };

/** A cart line as checkout reads it. */
interface CartLine {
  product_id: string;
  variant_id: string | null;
  quantity: number;
}

/** A line as read: `product_id` is null once its product or variant was deleted. */
type StoredCartLine = Omit<CartLine, 'product_id'> & { id: string; product_id: string | null };

/** The lines of live products; a line of a deleted one blocks checkout (409). */
function liveLines(lines: StoredCartLine[]): Array<CartLine & { id: string }> {
  const deleted = lines.filter((l) => l.product_id === null).map((l) => l.id);
  if (deleted.length > 0) throw new ProductUnavailableError([], deleted);
  return lines as Array<CartLine & { id: string }>;
}

const variantIdsOf = (lines: CartLine[]): string[] =>
  lines.flatMap((l) => (l.variant_id ? [l.variant_id] : []));

/**
 * A line can be ordered when its product is active and: it names an active variant of the
 * product, or it names none and the product has no active variants.
 */
function isOrderable(
  line: CartLine,
  product: LockedProduct,
  variant: LockedVariant | undefined,
): boolean {
  if (!product.isActive) return false;
  if (!line.variant_id) return !product.hasVariants;
  return variant?.productId === product.id && variant.isActive;
}

export interface CheckoutResult {
  order: OrderDto;
  /** The answer repeats an earlier request's (same Idempotency-Key). */
  replayed: boolean;
}

/**
 * Turns the cart into an order in one transaction: products, then the lines' variants, locked
 * in id order, stock checked (the variant's for a variant line) and decremented (guarded,
 * CHECK-backed), lines snapshotted (with the variant's SKU, name and price), the coupon (if any)
 * applied, totals priced in minor units, the cart emptied, the coupon's use recorded (its row
 * locked only when it has a limit, which is then counted: the last lock taken, so that one hot
 * coupon serializes checkouts for the few statements before commit only), and the
 * Idempotency-Key stored under a unique key with the response (the body hashed includes the
 * coupon code), so a retry — even a concurrent one — answers the same order instead of making a
 * second. Every checkout takes its locks in the same order (cart, products by id, coupon), so
 * none deadlock.
 */
@Injectable()
export class CheckoutService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly stock: StockService,
    private readonly orders: OrdersQueryService,
    private readonly events: DomainEventBus,
    private readonly coupons: CouponRedemptionsService,
    @Inject(SHIPPING_STRATEGY) private readonly shipping: ShippingStrategy,
    @Inject(TAX_STRATEGY) private readonly tax: TaxStrategy,
    private readonly defaultAddresses: DefaultAddressProvider,
    @Inject(EMAIL_VERIFICATION_GATE) private readonly emailVerification: EmailVerificationGate,
    private readonly payments: PaymentsService,
  ) {}

  async checkout(
    actor: AuthUser,
    dto: CheckoutDto,
    idempotencyKey?: string,
  ): Promise<CheckoutResult> {
    await this.emailVerification.assertVerified(actor.id); // REQUIRE_EMAIL_VERIFICATION
    const hash = idempotencyKey ? requestHash(dto) : '';
    const scope: IdempotencyScope = { table: 'idempotency_keys', owner: actor.id };
    const placed = await withTransactionRetry(() =>
      this.db.transaction(async (manager): Promise<CheckoutResult> => {
        if (idempotencyKey) {
          const replay = await claimKey<OrderDto>(manager, scope, idempotencyKey, hash);
          if (replay) return { order: replay, replayed: true };
        }
        const order = await this.placeOrder(manager, { kind: 'user', user: actor }, dto);
        if (idempotencyKey) await storeAnswer(manager, scope, idempotencyKey, order);
        return { order, replayed: false };
      }),
    );
    return { ...placed, order: await this.withPayment(placed.order) };
  }

  /**
   * The placed order with its payment, called after commit, never inside the transaction: the
   * provider's payment for the order is created (a replay gets the same one: its idempotency key
   * is the order's id) and its client secret answered. See PaymentsService.
   */
  async withPayment(order: OrderDto): Promise<OrderDto> {
    return { ...order, payment: await this.payments.forCheckout(order) };
  }

  /**
   * The order's addresses: the body's, else the address book's defaults (read in the checkout's
   * transaction). Billing falls back to the default billing address, then to shipping.
   */
  private async addressesOf(
    manager: EntityManager,
    buyer: Buyer,
    dto: CheckoutDto,
  ): Promise<{ shipping: Address; billing: Address }> {
    // A guest has no address book: the body's addresses (shipping is required for guests).
    const defaults =
      (dto.shippingAddress && dto.billingAddress) || buyer.kind === 'guest'
        ? undefined
        : await this.defaultAddresses.getDefaultAddresses(buyer.user.id, manager, {
            needShipping: !dto.shippingAddress,
          });
    const shipping = dto.shippingAddress ?? defaults?.shipping;
    if (!shipping)
      throw new ValidationFailedError(
        'A shipping address is required: send one, or set a default shipping address',
        [{ field: 'shippingAddress', message: 'shippingAddress is required' }],
      );
    return { shipping, billing: dto.billingAddress ?? defaults?.billing ?? shipping };
  }

  /**
   * What checking out the current cart with `code` would charge: the same coupon checks and
   * pricing as checkout, without locks or reservation (a later checkout decides). Lines whose
   * product is gone or inactive are left out, as checkout would refuse them.
   */
  async quoteCoupon(actor: AuthUser, code: string): Promise<CouponQuoteDto> {
    const lines = await this.db.query<CartLine[]>(
      `SELECT i.product_id, i.variant_id, i.quantity FROM cart_items i JOIN carts c ON c.id = i.cart_id
        WHERE c.user_id = $1 AND i.product_id IS NOT NULL`,
      [actor.id],
    );
    const products = await this.stock.peek(
      this.db.manager,
      lines.map((l) => l.product_id),
    );
    const variants = await this.stock.peekVariants(this.db.manager, variantIdsOf(lines));
    const priced = lines.flatMap((l) => {
      const product = products.get(l.product_id);
      const variant = l.variant_id ? variants.get(l.variant_id) : undefined;
      return product && isOrderable(l, product, variant)
        ? [
            {
              unitPrice: variant?.price ?? product.price,
              quantity: l.quantity,
              requiresShipping: product.requiresShipping,
              currency: product.currency,
            },
          ]
        : [];
    });
    const first = priced[0];
    if (!first) throw new EmptyCartError();
    const customer = { userId: actor.id, email: actor.email };
    const coupon = await this.coupons.quote(code, customer, subtotalOf(priced));
    const totals = priceOrder(priced, this.shipping, this.tax, coupon.discountAmount);
    return {
      couponCode: coupon.code,
      ...totals,
      currency: first.currency,
    };
  }

  /**
   * The order of the buyer's cart, in `manager`'s transaction (see the class comment). A guest's
   * cart is locked by the caller before (GuestCheckoutService).
   */
  async placeOrder(manager: EntityManager, buyer: Buyer, dto: CheckoutDto): Promise<OrderDto> {
    // A user's cart by its owner, a guest's by its id: fixed column names, never caller text.
    const [cartColumn, cartKey] =
      buyer.kind === 'user' ? ['user_id', buyer.user.id] : ['id', buyer.cartId];
    // Every cart write (add, quantity change, removal, clear, guest-cart merge) locks this row
    // first in its transaction (CartService), so the checkout and the writes of this cart run
    // one after the other: a write that comes later waits and then finds the emptied cart (see
    // CartService for what it answers). Lines are read by a later statement, so they include
    // whatever a write committed before the lock was granted: the cart its answer showed.
    await manager.query(`SELECT 1 FROM carts WHERE ${cartColumn} = $1 FOR UPDATE`, [cartKey]);
    const lines = liveLines(
      await manager.query<StoredCartLine[]>(
        `SELECT i.id, i.product_id, i.variant_id, i.quantity
           FROM cart_items i JOIN carts c ON c.id = i.cart_id
          WHERE c.${cartColumn} = $1 ORDER BY i.created_at, i.id`,
        [cartKey],
      ),
    );
    if (lines.length === 0) throw new EmptyCartError();
    // Products first, then variants, each in id order: the order every stock writer keeps.
    const locked = await this.stock.lockProducts(
      manager,
      lines.map((l) => l.product_id),
    );
    const lockedVariants = await this.stock.lockVariants(manager, variantIdsOf(lines));
    this.assertAvailable(lines, locked, lockedVariants);
    const wanted = lines.map((l) => ({
      productId: l.product_id,
      variantId: l.variant_id,
      quantity: l.quantity,
    }));
    if (!(await this.stock.take(manager, wanted, locked))) throw new InsufficientStockError([]);

    const priced = lines.map((l) => {
      const product = locked.get(l.product_id) as LockedProduct;
      const variant = l.variant_id ? lockedVariants.get(l.variant_id) : undefined;
      return {
        product,
        variant,
        quantity: l.quantity,
        unitPrice: variant?.price ?? product.price,
        requiresShipping: product.requiresShipping,
      };
    });
    // Its terms now (an unusable coupon fails the checkout); its limits last, see recordUse below.
    const customer: CouponCustomer =
      buyer.kind === 'user'
        ? { userId: buyer.user.id, email: buyer.user.email }
        : { userId: null, email: buyer.email };
    const coupon: AppliedCoupon | undefined = dto.couponCode
      ? await this.coupons.applyForCheckout(manager, dto.couponCode, subtotalOf(priced))
      : undefined;
    const totals = priceOrder(priced, this.shipping, this.tax, coupon?.discountAmount);
    const amounts = [totals.subtotal, totals.total, ...priced.map((p) => p.unitPrice * p.quantity)];
    if (amounts.some((amount) => amount > MAX_ORDER_AMOUNT))
      throw new OrderTooLargeError(MAX_ORDER_AMOUNT);
    const { shipping, billing } = await this.addressesOf(manager, buyer, dto);
    const order = manager.create(Order, {
      ...(buyer.kind === 'user'
        ? { userId: buyer.user.id, guestEmail: null, guestTokenHash: null }
        : {
            id: buyer.orderId,
            userId: null,
            guestEmail: buyer.email,
            guestTokenHash: buyer.tokenHash,
          }),
      status: 'pending',
      paymentStatus: 'pending',
      paymentProvider: this.payments.provider.name,
      ...totals,
      currency: priced[0]?.product.currency ?? 'USD',
      shippingAddress: { ...shipping },
      billingAddress: { ...billing },
      notes: dto.notes ?? null,
      trackingNumber: null,
      couponCode: coupon?.code ?? null,
    });
    await manager.save(order);
    const items = priced.map((p, position) =>
      manager.create(OrderItem, {
        orderId: order.id,
        productId: p.product.id,
        variantId: p.variant?.id ?? null,
        sku: p.variant?.sku ?? p.product.sku,
        name: p.product.name,
        variantName: p.variant?.name ?? null,
        unitPrice: p.unitPrice,
        quantity: p.quantity,
        lineTotal: p.unitPrice * p.quantity,
        position,
      }),
    );
    await manager.insert(OrderItem, items);
    // Exactly the lines ordered (the lock keeps others out; a line must never go unordered).
    await manager.query(`DELETE FROM cart_items WHERE id = ANY($1::uuid[])`, [
      lines.map((l) => l.id),
    ]);
    await this.events.flush(manager); // the history row belongs in the response
    // Last: a limited coupon's row stays locked from here to commit (see the class comment).
    if (coupon) await this.coupons.recordUse(manager, coupon, order.id, customer);
    // The saved order carries every column (the number and the generated ones through
    // RETURNING) and the lines are those just inserted: only the history is read back.
    return this.orders.dtoOf(order, manager, items);
  }

  /**
   * Every line's product (and variant) exists, is active and has the stock; a product with
   * active variants is bought through one: all problems reported at once.
   */
  private assertAvailable(
    lines: CartLine[],
    locked: Map<string, LockedProduct>,
    variants: Map<string, LockedVariant>,
  ): void {
    const variantOf = (l: CartLine): LockedVariant | undefined =>
      l.variant_id ? variants.get(l.variant_id) : undefined;
    const unavailable = lines
      .filter((l) => {
        const product = locked.get(l.product_id);
        return !product || !isOrderable(l, product, variantOf(l));
      })
      .map((l) => l.product_id);
    if (unavailable.length > 0) throw new ProductUnavailableError(unavailable);
    const short = lines
      .map((l) => ({
        productId: l.product_id,
        ...(l.variant_id ? { variantId: l.variant_id } : {}),
        requested: l.quantity,
        available: (variantOf(l) ?? locked.get(l.product_id))?.stock ?? 0,
      }))
      .filter((l) => l.requested > l.available);
    if (short.length > 0) {
      throw new InsufficientStockError(
        short,
        short.length === 1
          ? 'Not enough stock for one line of the cart'
          : `Not enough stock for ${short.length} lines of the cart`,
      );
    }
  }
}
