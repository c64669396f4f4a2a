import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto } from '@/common/pagination.js';
import { CouponsService } from './coupons.service.js';
import {
  CouponDto,
  CreateCouponDto,
  ListCouponsQueryDto,
  UpdateCouponDto,
} from './dto/coupon.dto.js';

/**
 * Staff only: codes are never listable by customers (they apply one at checkout, or validate
 * it against their cart with `validateCoupon`).
 */
@ApiTags('coupons')
@Roles('staff', 'admin')
@Controller('api/coupons')
export class CouponsController {
  constructor(private readonly coupons: CouponsService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a coupon (staff)',
    description:
      'A percentage (1–100) or fixed (minor units) discount with an optional validity window, minimum order amount, maximum discount, and total and per-customer usage limits. Codes are unique ignoring case (409).',
  })
  @ApiCreatedResponse({ type: CouponDto })
  @ApiBodyErrors()
  @ApiErrors(409)
  createCoupon(@Body() dto: CreateCouponDto): Promise<CouponDto> {
    return this.coupons.create(dto);
  }

  @Get()
  @ApiOperation({
    summary: 'List coupons (staff)',
    description: 'Newest first; `q` matches part of the code, `active` filters by state.',
  })
  @ApiOkResponse({ type: PageDto(CouponDto) })
  @ApiErrors(400)
  listCoupons(@Query() query: ListCouponsQueryDto): Promise<Page<CouponDto>> {
    return this.coupons.list(query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A coupon (staff)' })
  @ApiOkResponse({ type: CouponDto })
  @ApiErrors(400, 404)
  getCoupon(@Param('id', ParseUUIDPipe) id: string): Promise<CouponDto> {
    return this.coupons.get(id);
  }

  @Patch(':id')
  @ApiOperation({
    summary: 'Update a coupon (staff)',
    description:
      'Every field optional; `null` clears a bound or limit. Orders already placed keep their discount.',
  })
  @ApiOkResponse({ type: CouponDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateCoupon(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateCouponDto,
  ): Promise<CouponDto> {
    return this.coupons.update(id, dto);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Deactivate a coupon (staff)',
    description:
      'It stops applying at once (customers get `COUPON_NOT_FOUND`); orders keep it. Reactivate with `updateCoupon` `{isActive: true}`.',
  })
  @ApiOkResponse({ type: CouponDto })
  @ApiErrors(400, 404)
  deactivateCoupon(@Param('id', ParseUUIDPipe) id: string): Promise<CouponDto> {
    return this.coupons.deactivate(id);
  }
}
