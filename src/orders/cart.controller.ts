import {
  applyDecorators,
  Body,
  Controller,
  createParamDecorator,
  Delete,
  type ExecutionContext,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AuthRateLimit, AuthRateLimitGuard } from '@/accounts/auth-rate-limit.guard.js';
import { type AuthUser, CurrentUser, OptionalAuth } from '@/common/auth.js';
import { UnauthorizedError } from '@/common/domain-error.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { ApplyCouponDto } from '@/coupons/dto/coupon.dto.js';
import { type CartOwner, CartService } from './cart.service.js';
import { CheckoutService } from './checkout.service.js';
import { AddCartItemDto, CartDto, CouponQuoteDto, UpdateCartItemDto } from './dto/cart.dto.js';

export const CART_TOKEN_HEADER = 'x-cart-token';

/**
 * Whether a rejected bearer token has expired, so the client gets `TOKEN_EXPIRED` (and knows to
 * refresh) as on protected routes. The payload is read without verification: it only picks
 * which 401 to answer, never whether to trust the token.
 */
export function looksExpired(authorization: string): boolean {
  const payload = /^Bearer [\w-]+\.([\w-]+)\.[\w-]+$/i.exec(authorization)?.[1];
  if (!payload) return false;
  try {
    const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as {
      exp?: unknown;
    };
    return typeof exp === 'number' && exp * 1000 <= Date.now();
  } catch {
    return false;
  }
}

/**
 * Whose cart the request is about: the signed-in user's when a bearer token is sent (a cart
 * token is then ignored), else the guest's of the `X-Cart-Token` header (possibly none yet).
 * A bearer token that is sent but invalid or expired is a 401, never a silent fall back to a
 * guest cart (the client would see an empty cart and think theirs lost).
 */
const CartOwnerParam = createParamDecorator((_: unknown, ctx: ExecutionContext): CartOwner => {
  const request = ctx.switchToHttp().getRequest<{
    user?: AuthUser;
    ip: string;
    headers: Record<string, string | string[] | undefined>;
  }>();
  if (request.user) return request.user.id;
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    throw typeof authorization === 'string' && looksExpired(authorization)
      ? new UnauthorizedError('Access token expired', 'TOKEN_EXPIRED')
      : new UnauthorizedError('Missing or invalid access token');
  }
  const token = request.headers[CART_TOKEN_HEADER];
  return {
    guestToken: typeof token === 'string' && token.length > 0 ? token : undefined,
    clientIp: request.ip,
  };
});

/** The cart routes serve a signed-in user (bearer token) or a guest (cart token, or none yet). */
const UserOrGuest = (): MethodDecorator =>
  applyDecorators(
    OptionalAuth(),
    ApiHeader({
      name: 'X-Cart-Token',
      required: false,
      description:
        "A guest's cart token (from the answer that created the guest cart). Ignored with a bearer token. Unknown or expired: the guest has no cart (the next add makes a fresh one).",
    }),
  );

@ApiTags('cart')
@ApiErrors(401)
@Controller('api/cart')
export class CartController {
  constructor(
    private readonly cart: CartService,
    private readonly checkout: CheckoutService,
  ) {}

  @Get()
  @UserOrGuest()
  @ApiOperation({
    summary: 'Your cart (or a guest cart)',
    description:
      'Current prices; lines that would block checkout carry an `issue`. A guest without a cart gets an empty one with `id: null` (reading never creates a cart).',
  })
  @ApiOkResponse({ type: CartDto })
  getCart(@CartOwnerParam() owner: CartOwner): Promise<CartDto> {
    return this.cart.view(owner);
  }

  @Post('items')
  @UserOrGuest()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add a product to the cart',
    description:
      "Adds to the line of the product (and variant) if there is one. A product with variants (`hasVariants`) needs a `variantId` (400 `VARIANT_REQUIRED` without; an unknown variant, or another product's, is a 404). More than the stock (the variant's) is a 409 with `details: {productId, variantId?, available}`. A guest's first add creates a guest cart: its token comes back in the `X-Cart-Token` header and in `cartToken`. New guest carts are limited per client address (`GUEST_CART_RATE_LIMIT` a minute, then 429 `RATE_LIMITED`).",
  })
  @ApiOkResponse({
    type: CartDto,
    headers: {
      'X-Cart-Token': {
        description: 'Only when this add created a guest cart: its token',
        schema: { type: 'string' },
      },
    },
  })
  @ApiBodyErrors()
  @ApiErrors(404, 409, 429)
  async addCartItem(
    @CartOwnerParam() owner: CartOwner,
    @Body() dto: AddCartItemDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CartDto> {
    const cart = await this.cart.add(owner, dto.productId, dto.quantity, dto.variantId);
    if (cart.cartToken) void reply.header('x-cart-token', cart.cartToken);
    return cart;
  }

  @Patch('items/:itemId')
  @UserOrGuest()
  @ApiOperation({
    summary: "Set a line's quantity",
    description:
      '1–999; more than the stock is a 409. A line that a checkout of this cart has just ordered is gone (404): the order has it, and the cart is empty.',
  })
  @ApiOkResponse({ type: CartDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateCartItem(
    @CartOwnerParam() owner: CartOwner,
    @Param('itemId', ParseUUIDPipe) itemId: string,
    @Body() dto: UpdateCartItemDto,
  ): Promise<CartDto> {
    return this.cart.update(owner, itemId, dto.quantity);
  }

  @Delete('items/:itemId')
  @UserOrGuest()
  @HttpCode(204)
  @ApiOperation({
    summary: 'Remove a line',
    description:
      'A line that a checkout of this cart has just ordered is gone (404): the order has it, and the cart is empty.',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404)
  async removeCartItem(
    @CartOwnerParam() owner: CartOwner,
    @Param('itemId', ParseUUIDPipe) itemId: string,
  ): Promise<void> {
    await this.cart.remove(owner, itemId);
  }

  @Delete()
  @UserOrGuest()
  @HttpCode(204)
  @ApiOperation({ summary: 'Empty the cart' })
  @ApiNoContentResponse({ description: 'Emptied' })
  async clearCart(@CartOwnerParam() owner: CartOwner): Promise<void> {
    await this.cart.clear(owner);
  }

  @Post('coupon/validate')
  @HttpCode(200)
  @UseGuards(AuthRateLimitGuard)
  @AuthRateLimit('coupon')
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Check a coupon against your cart',
    description:
      'Signed-in customers only. Answers what checkout would charge with this coupon now (nothing is reserved: limits are decided at checkout). An unknown or inactive code is a 404 `COUPON_NOT_FOUND`; a coupon that cannot apply is a 422 whose `code` is `COUPON_EXPIRED`, `COUPON_NOT_YET_VALID`, `COUPON_MINIMUM_NOT_MET`, `COUPON_USAGE_LIMIT_REACHED` or `COUPON_USER_LIMIT_REACHED`; an empty cart is a 400 `EMPTY_CART`.',
  })
  @ApiOkResponse({ type: CouponQuoteDto })
  @ApiBodyErrors()
  @ApiErrors(404, 422)
  validateCoupon(
    @CurrentUser() actor: AuthUser,
    @Body() dto: ApplyCouponDto,
  ): Promise<CouponQuoteDto> {
    return this.checkout.quoteCoupon(actor, dto.code);
  }
}
