import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { DataSource, type EntityManager } from 'typeorm';
import {
  type LockedProduct,
  ProductsService,
  ProductVariantsService,
  StockService,
  VariantRequiredError,
} from '@/catalog/index.js';
import { found, NotFoundError } from '@/common/domain-error.js';
import { consumeOrThrow, createRateLimiter } from '@/common/rate-limiter.js';
import type { AppConfig } from '@/config/app-config.js';
import { InjectConfig } from '@/config/config.module.js';
import { PgError, isPgError } from '@/database/pg-errors.js';
import { InjectRedis, type RedisClient } from '@/redis/redis.module.js';
import { CartItem } from './cart-item.entity.js';
import {
  type CartDto,
  type CartItemDto,
  type CartItemIssue,
  MAX_LINE_QUANTITY,
} from './dto/cart.dto.js';
import {
  CartLineLimitError,
  InsufficientStockError,
  ProductUnavailableError,
} from './orders.errors.js';

/** A guest cart lives this long after its last use (each use extends it). */
export const GUEST_CART_TTL_DAYS = 30;
/** How often expired guest carts are swept (also swept when their token is presented). */

/** A visitor without an account: holds a cart token, or none yet (`undefined`). */
export interface GuestOwner {
  guestToken: string | undefined;
  /** The client's address (behind a proxy, with TRUST_PROXY): new guest carts are counted per address. */
  clientIp: string;
}

/** Whose cart: a signed-in user's id, or a guest. */
export type CartOwner = string | GuestOwner;

const isGuest = (owner: CartOwner): owner is GuestOwner => typeof owner !== 'string';

/** Only a SHA-256 of a cart token is stored: a database leak does not hand out carts. */
export const hashCartToken = (token: string): string =>
  createHash('sha256').update(token).digest('hex');

/**
 * Carts of users (one each) and of guests (identified by an opaque cart token); lines show
 * current prices. Stock is checked here, guaranteed at checkout. A guest cart is created by its
 * first add (never by a read), expires {@link GUEST_CART_TTL_DAYS} days after its last use, is
 * swept hourly (and when its expired token comes back), and merges into the user's cart when
 * its holder signs in (GuestCartMergeService).
 *
 * Every write locks the cart's row first, in its transaction, as checkout does before reading
 * the lines (CheckoutService.placeOrder): a write and a checkout of one cart never interleave,
 * so the order is exactly the cart the customer last saw. Adds and updates answer the lines as
 * their transaction left them (read under the lock). A write that reaches the cart after a
 * checkout finds the ordered lines gone: changing or removing one is a 404 (it was ordered, and
 * the order shows it), while an add or a clear applies to the new, empty cart.
 */
@Injectable()
export class CartService {
  /** New guest carts per client address (GUEST_CART_RATE_LIMIT a minute): rows cost storage. */
  private readonly newGuestCarts: RateLimiterAbstract | undefined;

  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly products: ProductsService,
    private readonly stock: StockService,
    @InjectConfig() private readonly config: AppConfig,
    private readonly variants: ProductVariantsService,
    @InjectRedis() redis: RedisClient | null,
  ) {
    this.newGuestCarts =
      config.guestCartRateLimit > 0
        ? createRateLimiter('guest-cart', config.guestCartRateLimit, redis)
        : undefined;
  }

  /** The user's cart id, creating the cart on first use (race-free upsert, locks the row). */
  async cartIdOf(userId: string, manager: EntityManager = this.db.manager): Promise<string> {
    const [row] = await manager.query<Array<{ id: string }>>(
      `INSERT INTO carts (user_id) VALUES ($1)
       ON CONFLICT (user_id) DO UPDATE SET updated_at = now()
       RETURNING id`,
      [userId],
    );
    return found(row, 'Cart').id;
  }

  /** The cart; a guest without a (live) cart sees an empty one with `id: null`, none is made. */
  async view(owner: CartOwner): Promise<CartDto> {
    if (!isGuest(owner)) return this.render(await this.cartIdOf(owner));
    const guest = await this.guestCart(this.db.manager, owner.guestToken);
    return guest ? this.render(guest.id, guest.expiresAt) : this.emptyGuestCart();
  }

  /**
   * Adds `quantity` to the line of the product (of its variant `variantId`, which a product
   * with active variants requires), creating it; the line may not exceed the stock (the
   * variant's). A guest without a live cart gets a new one: its token is in the answer's
   * `cartToken`, once.
   */
  async add(
    owner: CartOwner,
    productId: string,
    quantity: number,
    variantId?: string,
  ): Promise<CartDto> {
    const variant = variantId?.toLowerCase() ?? null;
    const { cart, lines } = await this.db.transaction(async (manager) => {
      const target = await this.cartForWrite(manager, owner);
      const product = (await this.stock.peek(manager, [productId])).get(productId);
      if (!product) throw new NotFoundError('Product');
      if (!product.isActive) throw new ProductUnavailableError([productId]);
      const stock = await this.lineStock(manager, product, variant);
      const [line] = await manager
        .query<Array<{ quantity: number }>>(
          `INSERT INTO cart_items (cart_id, product_id, variant_id, quantity)
           VALUES ($1, $2, $3, LEAST($4::int, 1000))
         ON CONFLICT (cart_id, product_id, variant_id) WHERE product_id IS NOT NULL
         DO UPDATE SET quantity = LEAST(cart_items.quantity + EXCLUDED.quantity, 1000), updated_at = now()
         RETURNING quantity`,
          [target.id, productId, variant, quantity],
        )
        .catch((error: unknown) => {
          // 1000 breaks the CHECK (1–999): the sum went over the per-line limit.
          if (isPgError(error, PgError.CHECK_VIOLATION))
            throw new CartLineLimitError(MAX_LINE_QUANTITY);
          throw error;
        });
      this.assertStock(productId, found(line, 'Cart line').quantity, stock, variant);
      return { cart: target, lines: await this.linesOf(target.id, manager) };
    });
    const view = await this.render(cart.id, cart.expiresAt, lines);
    return cart.issuedToken ? { ...view, cartToken: cart.issuedToken } : view;
  }

  async update(owner: CartOwner, itemId: string, quantity: number): Promise<CartDto> {
    const { cart, lines } = await this.db.transaction(async (manager) => {
      const { cart, line } = await this.ownLine(manager, owner, itemId);
      const productId = line.productId;
      if (productId === null) throw new ProductUnavailableError([], [line.id]);
      const product = (await this.stock.peek(manager, [productId])).get(productId);
      if (!product?.isActive) throw new ProductUnavailableError([productId]);
      const stock = await this.lineStock(manager, product, line.variantId);
      this.assertStock(productId, quantity, stock, line.variantId);
      await manager.update(CartItem, { id: line.id }, { quantity });
      return { cart, lines: await this.linesOf(cart.id, manager) };
    });
    return this.render(cart.id, cart.expiresAt, lines);
  }

  async remove(owner: CartOwner, itemId: string): Promise<void> {
    await this.db.transaction(async (manager) => {
      const { line } = await this.ownLine(manager, owner, itemId);
      await manager.delete(CartItem, { id: line.id });
    });
  }

  async clear(owner: CartOwner): Promise<void> {
    await this.db.transaction(async (manager) => {
      const cart = await this.lockedCart(manager, owner);
      if (cart) await manager.delete(CartItem, { cartId: cart.id });
    });
  }

  private linesOf(cartId: string, manager: EntityManager = this.db.manager): Promise<CartItem[]> {
    return manager.find(CartItem, { where: { cartId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /**
   * The cart's view of `lines` (read now when not given) at current prices. A write passes the
   * lines its transaction left and renders after the commit: the product lookups use a pool
   * connection of their own, which a transaction holding its connection must not wait for.
   */
  private async render(
    cartId: string,
    expiresAt: Date | null = null,
    lines?: CartItem[],
  ): Promise<CartDto> {
    lines ??= await this.linesOf(cartId);
    const [products, variants] = await Promise.all([
      this.products.findByIds(lines.flatMap((l) => (l.productId ? [l.productId] : []))),
      this.variants.byIds(lines.flatMap((l) => (l.variantId ? [l.variantId] : []))),
    ]);
    const items = lines.flatMap((line): CartItemDto[] => {
      if (line.productId === null) {
        const deleted = { product: null, variant: null, lineTotal: 0, issue: 'deleted' as const };
        const name = line.removedName ?? '';
        return [{ id: line.id, quantity: line.quantity, ...deleted, deletedProductName: name }];
      }
      const product = products.get(line.productId);
      const variant = line.variantId ? variants.get(line.variantId) : null;
      if (!product || variant === undefined) return [];
      const issue: CartItemIssue | null =
        !product.isActive || variant?.isActive === false
          ? 'unavailable'
          : !variant && product.hasVariants
            ? 'variant_required'
            : (variant ?? product).stock < line.quantity
              ? 'insufficient_stock'
              : null;
      return [
        {
          id: line.id,
          product,
          variant,
          quantity: line.quantity,
          lineTotal: (variant ?? product).price * line.quantity,
          issue,
        },
      ];
    });
    return {
      id: cartId,
      items,
      itemCount: items.reduce((sum, i) => sum + i.quantity, 0),
      subtotal: items.reduce((sum, i) => sum + i.lineTotal, 0),
      currency: this.config.currency,
      ...(expiresAt ? { expiresAt: expiresAt.toISOString() } : {}),
    };
  }

  private emptyGuestCart(): CartDto {
    return { id: null, items: [], itemCount: 0, subtotal: 0, currency: this.config.currency };
  }

  /**
   * The id of the live guest cart of `token`, its row locked until `manager`'s transaction ends
   * (the guest checkout's first statement, as a cart write's); `undefined` when there is none.
   */
  async lockGuestCart(manager: EntityManager, token: string): Promise<string | undefined> {
    return (await this.guestCart(manager, token))?.id;
  }

  /**
   * The live guest cart of `token`, its expiry pushed back (a use); an expired one is deleted
   * on the way (scheduled retention, src/retention, deletes the rest). Unknown, expired or absent: `undefined`.
   */
  private async guestCart(
    manager: EntityManager,
    token: string | undefined,
  ): Promise<{ id: string; expiresAt: Date } | undefined> {
    if (!token) return undefined;
    const hash = hashCartToken(token);
    const [cart] = await manager.query<Array<{ id: string; expires_at: Date }>>(
      `WITH touched AS (
         UPDATE carts SET expires_at = now() + interval '${GUEST_CART_TTL_DAYS} days', updated_at = now()
          WHERE guest_token_hash = $1 AND expires_at > now()
          RETURNING id, expires_at)
       SELECT id, expires_at FROM touched`,
      [hash],
    );
    if (cart) return { id: cart.id, expiresAt: cart.expires_at };
    await manager.query(`DELETE FROM carts WHERE guest_token_hash = $1 AND expires_at <= now()`, [
      hash,
    ]);
    return undefined;
  }

  /** The cart a write goes to; a guest without a live cart gets a new one and its token. */
  private async cartForWrite(
    manager: EntityManager,
    owner: CartOwner,
  ): Promise<{ id: string; expiresAt: Date | null; issuedToken?: string }> {
    if (!isGuest(owner)) return { id: await this.cartIdOf(owner, manager), expiresAt: null };
    const existing = await this.guestCart(manager, owner.guestToken);
    if (existing) return existing;
    // Counted only here, where a cart is made: a made-up or expired token also gets a new one.
    if (this.newGuestCarts) await consumeOrThrow(this.newGuestCarts, owner.clientIp);
    const token = randomBytes(32).toString('base64url');
    const [made] = await manager.query<Array<{ id: string; expires_at: Date }>>(
      `INSERT INTO carts (guest_token_hash, expires_at)
       VALUES ($1, now() + interval '${GUEST_CART_TTL_DAYS} days') RETURNING id, expires_at`,
      [hashCartToken(token)],
    );
    const cart = found(made, 'Cart');
    return { id: cart.id, expiresAt: cart.expires_at, issuedToken: token };
  }

  /**
   * The owner's cart with its row locked until `manager`'s transaction ends (see the class
   * comment); `undefined` when there is none. A guest cart is locked by the UPDATE that touches it.
   */
  private async lockedCart(
    manager: EntityManager,
    owner: CartOwner,
  ): Promise<{ id: string; expiresAt: Date | null } | undefined> {
    if (isGuest(owner)) return this.guestCart(manager, owner.guestToken);
    const [cart] = await manager.query<Array<{ id: string }>>(
      `SELECT id FROM carts WHERE user_id = $1 FOR UPDATE`,
      [owner],
    );
    return cart && { id: cart.id, expiresAt: null };
  }

  /**
   * A line of the owner's cart, which is locked; another cart's line is "not found" (never
   * "forbidden"), and so is a line ordered by a checkout that went first.
   */
  private async ownLine(
    manager: EntityManager,
    owner: CartOwner,
    itemId: string,
  ): Promise<{ cart: { id: string; expiresAt: Date | null }; line: CartItem }> {
    const cart = await this.lockedCart(manager, owner);
    const line = cart && (await manager.findOneBy(CartItem, { id: itemId, cartId: cart.id }));
    return { cart: found(cart, 'Cart item'), line: found(line, 'Cart item') };
  }

  /**
   * The stock a line of the product (of its variant `variantId`) may hold. A product with
   * active variants needs one; the variant must be the product's (else 404) and active.
   */
  private async lineStock(
    manager: EntityManager,
    product: LockedProduct,
    variantId: string | null,
  ): Promise<number> {
    if (!variantId) {
      if (product.hasVariants) throw new VariantRequiredError(product.id);
      return product.stock;
    }
    const variant = (await this.stock.peekVariants(manager, [variantId])).get(variantId);
    if (variant?.productId !== product.id) throw new NotFoundError('Variant');
    if (!variant.isActive) throw new ProductUnavailableError([product.id]);
    return variant.stock;
  }

  private assertStock(
    productId: string,
    wanted: number,
    stock: number,
    variantId: string | null = null,
  ): void {
    if (wanted > MAX_LINE_QUANTITY) throw new CartLineLimitError(MAX_LINE_QUANTITY);
    if (wanted > stock) {
      throw new InsufficientStockError(
        [{ productId, ...(variantId ? { variantId } : {}), requested: wanted, available: stock }],
        stock === 0 ? 'This product is out of stock' : `Only ${stock} in stock for this line`,
      );
    }
  }
}
