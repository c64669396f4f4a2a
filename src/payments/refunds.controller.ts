import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AuthUser, CurrentUser, Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { RefundDto, RefundOrderDto } from './dto/payment.dto.js';
import { RefundsService } from './refunds.service.js';

@ApiTags('orders')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/orders')
export class RefundsController {
  constructor(private readonly refunds: RefundsService) {}

  @Post(':id/refunds')
  @Roles('staff', 'admin')
  @ApiOperation({
    summary: 'Refund an order (staff)',
    description:
      "Gives back `amount` (minor units), or everything paid and not refunded yet when absent, through the order's payment provider (manual: records money staff gave back by hand). The order's `paymentStatus` becomes `partially_refunded` or `refunded`; refunds are listed in the order's `payment.refunds`. Never more than was paid, also under concurrent requests: 409 `ORDER_NOT_PAID` for an unpaid order, 422 `REFUND_EXCEEDS_PAID` past what is left. A provider refusal is a 502 `PAYMENT_PROVIDER_ERROR` (nothing refunded); when the provider cannot be reached the refund answers `pending` and is retried.",
  })
  @ApiCreatedResponse({ type: RefundDto })
  @ApiBodyErrors()
  @ApiErrors(403, 404, 409, 422, 502)
  refundOrder(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: RefundOrderDto = {},
  ): Promise<RefundDto> {
    return this.refunds.refundOrder(actor, id, dto ?? {});
  }
}
