import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
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
import type { FastifyReply } from 'fastify';
import { AuthRateLimit, AuthRateLimitGuard } from '@/accounts/auth-rate-limit.guard.js';
import { type AuthUser, CurrentUser, Roles } from '@/common/auth.js';
import { ValidationFailedError } from '@/common/domain-error.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto } from '@/common/pagination.js';
import { CheckoutService } from './checkout.service.js';
import {
  BulkUpdateOrderStatusDto,
  BulkUpdateOrderStatusResponseDto,
  FilterOrdersQueryDto,
  MAX_BULK_ORDERS,
} from './dto/admin-orders.dto.js';
import { CancelOrderDto, CheckoutDto, OrderDto, UpdateOrderStatusDto } from './dto/order.dto.js';
import { OrderStatusService } from './order-status.service.js';
import { OrdersQueryService } from './orders-query.service.js';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

@ApiTags('orders')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/orders')
export class OrdersController {
  constructor(
    private readonly checkoutService: CheckoutService,
    private readonly statuses: OrderStatusService,
    private readonly queries: OrdersQueryService,
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
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new ValidationFailedError('Idempotency-Key must be 1–255 printable ASCII characters', [
        { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
      ]);
    }
    const { order, replayed } = await this.checkoutService.checkout(actor, dto, idempotencyKey);
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
  @ApiOperation({
    summary: 'An order',
    description: "Owner or staff; another customer's order is 404.",
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiErrors(400, 404)
  getOrder(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<OrderDto> {
    return this.queries.getFor(actor, id);
  }

  @Post(':id/cancel')
  @HttpCode(200) // an action that answers the changed order (API.md), not a creation
  @ApiOperation({
    summary: 'Cancel an order',
    description:
      'Owners may cancel their pending or confirmed orders; staff also processing ones. The stock comes back.',
  })
  @ApiOkResponse({ type: OrderDto })
  @ApiBodyErrors()
  @ApiErrors(403, 404, 409)
  cancelOrder(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CancelOrderDto = {},
  ): Promise<OrderDto> {
    return this.statuses.move(actor, id, { to: 'cancelled', note: dto?.note });
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
