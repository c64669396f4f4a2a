import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { CartService } from './cart.service.js';
import { AddCartItemDto, CartDto, UpdateCartItemDto } from './dto/cart.dto.js';

@ApiTags('cart')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/cart')
export class CartController {
  constructor(private readonly cart: CartService) {}

  @Get()
  @ApiOperation({
    summary: 'Your cart',
    description: 'Current prices; lines that would block checkout carry an `issue`.',
  })
  @ApiOkResponse({ type: CartDto })
  getCart(@CurrentUser() actor: AuthUser): Promise<CartDto> {
    return this.cart.view(actor.id);
  }

  @Post('items')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add a product to the cart',
    description:
      "Adds to the product's line if there is one. More than the stock is a 409 with `details: {productId, available}`.",
  })
  @ApiOkResponse({ type: CartDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  addCartItem(@CurrentUser() actor: AuthUser, @Body() dto: AddCartItemDto): Promise<CartDto> {
    return this.cart.add(actor.id, dto.productId, dto.quantity);
  }

  @Patch('items/:itemId')
  @ApiOperation({
    summary: "Set a line's quantity",
    description: '1–999; more than the stock is a 409.',
  })
  @ApiOkResponse({ type: CartDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateCartItem(
    @CurrentUser() actor: AuthUser,
    @Param('itemId', ParseUUIDPipe) itemId: string,
    @Body() dto: UpdateCartItemDto,
  ): Promise<CartDto> {
    return this.cart.update(actor.id, itemId, dto.quantity);
  }

  @Delete('items/:itemId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a line' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404)
  async removeCartItem(
    @CurrentUser() actor: AuthUser,
    @Param('itemId', ParseUUIDPipe) itemId: string,
  ): Promise<void> {
    await this.cart.remove(actor.id, itemId);
  }

  @Delete()
  @HttpCode(204)
  @ApiOperation({ summary: 'Empty the cart' })
  @ApiNoContentResponse({ description: 'Emptied' })
  async clearCart(@CurrentUser() actor: AuthUser): Promise<void> {
    await this.cart.clear(actor.id);
  }
}
