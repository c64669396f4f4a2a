import {
  Body,
  Controller,
  createParamDecorator,
  type ExecutionContext,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthRateLimit, AuthRateLimitGuard } from '@/accounts/auth-rate-limit.guard.js';
import { type AuthUser, CurrentUser, OptionalAuth, Public, Roles } from '@/common/auth.js';
import { UnauthorizedError, ValidationFailedError } from '@/common/domain-error.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto } from '@/common/pagination.js';
import { CART_TOKEN_HEADER, looksExpired } from './cart.controller.js';
import { CheckoutService } from './checkout.service.js';
import {
  BulkUpdateOrderStatusDto,
  BulkUpdateOrderStatusResponseDto,
  FilterOrdersQueryDto,
  MAX_BULK_ORDERS,
} from './dto/admin-orders.dto.js';
import { GuestCheckoutDto, GuestOrderDto } from './dto/guest-checkout.dto.js';
import { CancelOrderDto, CheckoutDto, OrderDto, UpdateOrderStatusDto } from './dto/order.dto.js';
import { GuestCheckoutService } from './guest-checkout.service.js';
import { GuestOrdersService } from './guest-orders.service.js';
import { OrderStatusService } from './order-status.service.js';
import { OrdersQueryService } from './orders-query.service.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function assertIdempotencyKey(key: string | undefined): void {
  if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
    throw new ValidationFailedError('Idempotency-Key must be 1–255 printable ASCII characters', [
      { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
    ]);
  }
}

/** `X-Order-Token`: a guest order's token (from `checkoutGuestCart`). */
const OrderTokenHeader = (what: string): MethodDecorator =>
  ApiHeader({
    name: 'X-Order-Token',
    required: false,
    description: `A guest order's \`guestToken\`: ${what} without signing in. It opens its own order only; another order, or a wrong token, is a 404.`,
  });

/**
 * A guest route needs no bearer token, but one that is sent must be valid (a 401 otherwise, as on
 * the cart routes), checked before the body is: a forged token never reads as a bad body.
 */
const NoInvalidBearer = createParamDecorator((_: unknown, ctx: ExecutionContext): void => {
  const request = ctx.switchToHttp().getRequest<{
    user?: AuthUser;
    headers: Record<string, string | undefined>;
  }>();
  const authorization = request.headers.authorization;
  if (authorization !== undefined) requireUser(request.user, authorization);
});

/** Without an order token, the route needs a signed-in user: a 401 as on protected routes. */
function requireUser(actor: AuthUser | undefined, authorization: string | undefined): AuthUser {
  if (actor) return actor;
  if (authorization !== undefined && looksExpired(authorization))
    throw new UnauthorizedError('Access token expired', 'TOKEN_EXPIRED');
  throw new UnauthorizedError('Missing or invalid access token');
}

@ApiTags('orders')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/orders')
export class OrdersController {
  constructor(
    private readonly checkoutService: CheckoutService,
    private readonly statuses: OrderStatusService,
    private readonly queries: OrdersQueryService,
    private readonly guestCheckout: GuestCheckoutService,
    private readonly guestOrders: GuestOrdersService,
  ) {}

  @Post()
  @UseGuards(AuthRateLimitGuard)
  @AuthRateLimit('coupon')
  @ApiOperation({
    summary: 'Check out the cart',
    description:
      'Turns the whole cart into an order in one transaction. With an `Idempotency-Key`, a retry (even a concurrent one) answers the first response with `Idempotent-Replayed: true`; the same key with another body is a 422. A checkout with a `couponCode` spends a point of the same per-user budget as `validateCoupon` (`AUTH_RATE_LIMIT` a minute), so codes cannot be guessed through checkout either; one without a coupon is never limited. With `REQUIRE_EMAIL_VERIFICATION=true`, a customer whose address is not verified yet gets 403 `EMAIL_NOT_VERIFIED`.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Any unique string (a UUID is ideal), up to 255 printable characters; remembered for 24 hours per user',
  })
  @ApiCreatedResponse({ type: OrderDto })
  @ApiBodyErrors()
  @ApiErrors(403, 409, 422)
  async checkout(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CheckoutDto,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OrderDto> {
    assertIdempotencyKey(idempotencyKey);
    const { order, replayed } = await this.checkoutService.checkout(actor, dto, idempotencyKey);
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return order;
  }

  @Post('guest')
  @Public()
  @ApiOperation({
    summary: 'Check out a guest cart',
    description:
      "A visitor without an account turns the guest cart of `X-Cart-Token` into an order, on the same path as `checkout` (stock, prices, coupons; the cart is emptied). The body has a contact `email` and a `shippingAddress` (a guest has no address book). The answer carries `guestToken`, the order's token: `X-Order-Token` for `getOrder` and `cancelOrder`, `auth: {orderToken}` for Socket.IO. With an `Idempotency-Key` (remembered 24 hours per guest cart), a retry answers the same order and token with `Idempotent-Replayed: true`. No cart token, or one of no live cart, is a 400 `EMPTY_CART`. Counted per client address: `GUEST_CHECKOUT_RATE_LIMIT` a minute, then 429 `RATE_LIMITED`. No bearer token is needed; one that is sent must be valid (else 401, as on the cart routes) and is not used: signed-in customers use `checkout`.",
  })
  @ApiHeader({
    name: 'X-Cart-Token',
    required: true,
    description: 'The guest cart to check out (from the answer that created it)',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Any unique string (a UUID is ideal), up to 255 printable characters; remembered for 24 hours per guest cart',
  })
  @ApiCreatedResponse({ type: GuestOrderDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409, 422, 429)
  async checkoutGuestCart(
    @NoInvalidBearer() _bearer: void,
    @Body() dto: GuestCheckoutDto,
    @Headers(CART_TOKEN_HEADER) cartToken: string | undefined,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<GuestOrderDto> {
    assertIdempotencyKey(idempotencyKey);
    const { order, replayed } = await this.guestCheckout.checkoutGuestCart(
      cartToken || undefined,
      request.ip,
      dto,
      idempotencyKey,
    );
    if (replayed) void reply.header('idempotent-replayed', 'true');
    return order;
  }

  @Get()
  @ApiOperation({
    summary: 'List orders',
    description:
      'Your orders, newest first. Staff see every order and may filter by `userId`. Anyone may narrow by `status`, `paymentStatus` and an inclusive `createdFrom`–`createdTo` range (ISO 8601; a date alone is a whole UTC day; `createdTo` before `createdFrom` is a 400).',
  })
  @ApiOkResponse({ type: PageDto(OrderDto) })
  @ApiErrors(400)
  listOrders(
    @CurrentUser() actor: AuthUser,
    @Query() query: FilterOrdersQueryDto,
  ): Promise<Page<OrderDto>> {
    return this.queries.list(actor, query);
  }

  @Post('bulk-status')
  @HttpCode(200) // an action answering per-order results, not a creation
  @Roles('staff', 'admin')
  @ApiOperation({
    summary: 'Move many orders to one status (staff)',
    description: `Up to ${MAX_BULK_ORDERS} orders, each moved exactly as \`updateOrderStatus\` would (same transitions, version check, history, notification, stock back on cancel), each in its own transaction. One order's refusal does not stop the others: the answer lists, per order, \`updated\` or \`failed\` with the error the single change would have given. Retrying the same request is safe: orders already moved fail with \`ORDER_ALREADY_IN_STATUS\`.`,
  })
  @ApiOkResponse({ type: BulkUpdateOrderStatusResponseDto })
  @ApiBodyErrors()
  async bulkUpdateOrderStatus(
    @CurrentUser() actor: AuthUser,
    @Body() dto: BulkUpdateOrderStatusDto,
  ): Promise<BulkUpdateOrderStatusResponseDto> {
    const items = await this.statuses.moveMany(actor, dto.orderIds, {
      to: dto.status,
      note: dto.note,
      trackingNumber: dto.trackingNumber,
    });
    const updated = items.filter((item) => item.result === 'updated').length;
    return { items, updated, failed: items.length - updated };
  }

  @Get(':id')
  @OptionalAuth()
  @OrderTokenHeader('reads that guest order')
  @ApiOperation({
    summary: 'An order',
    description:
      "Owner or staff; another customer's order is 404. A guest reads their order with `X-Order-Token` instead of a bearer token (the token decides when both are sent).",
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiErrors(400, 404)
  getOrder(
    @CurrentUser() actor: AuthUser | undefined,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('x-order-token') orderToken: string | undefined,
    @Headers('authorization') authorization: string | undefined,
  ): Promise<OrderDto> {
    if (orderToken !== undefined) return this.guestOrders.get(id, orderToken);
    return this.queries.getFor(requireUser(actor, authorization), id);
  }

  @Post(':id/cancel')
  @HttpCode(200) // an action that answers the changed order (API.md), not a creation
  @OptionalAuth()
  @OrderTokenHeader('cancels that guest order, with the rights its owner would have')
  @ApiOperation({
    summary: 'Cancel an order',
    description:
      'Owners may cancel their pending or confirmed orders; staff also processing ones. The stock comes back. A guest cancels their order with `X-Order-Token`, as an owner would.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiBodyErrors()
  @ApiErrors(403, 404, 409)
  cancelOrder(
    @CurrentUser() actor: AuthUser | undefined,
    @Param('id', ParseUUIDPipe) id: string,
    @Headers('x-order-token') orderToken: string | undefined,
    @Headers('authorization') authorization: string | undefined,
    @Body() dto: CancelOrderDto = {},
  ): Promise<OrderDto> {
    if (orderToken !== undefined) return this.guestOrders.cancel(id, orderToken, dto?.note);
    return this.statuses.move(requireUser(actor, authorization), id, {
      to: 'cancelled',
      note: dto?.note,
    });
  }

  @Patch(':id/status')
  @Roles('staff', 'admin')
  @ApiOperation({
    summary: "Move an order's status (staff)",
    description:
      'pending → confirmed → processing → shipped → delivered → refunded; pending, confirmed or processing → cancelled. Any other move, or to the current status, is a 409.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateOrderStatus(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateOrderStatusDto,
  ): Promise<OrderDto> {
    return this.statuses.move(actor, id, {
      to: dto.status,
      note: dto.note,
      trackingNumber: dto.trackingNumber,
    });
  }
}
