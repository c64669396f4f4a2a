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
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import {
  AddWishlistItemDto,
  CreateWishlistDto,
  MoveWishlistItemToCartDto,
  UpdateWishlistDto,
  WishlistDto,
  WishlistListDto,
  WishlistMoveResultDto,
} from './dto/wishlist.dto.js';
import { WishlistCartService } from './wishlist-cart.service.js';
import { type WishlistRef, WishlistRefPipe } from './wishlist-ref.pipe.js';
import { WishlistsService } from './wishlists.service.js';

const WISHLIST_ID = {
  name: 'wishlistId',
  type: String,
  description:
    'The wishlist id, or `default`: your default wishlist (created as "My Wishlist" if you have none)',
};

@ApiTags('wishlists')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/wishlists')
export class WishlistsController {
  constructor(
    private readonly wishlists: WishlistsService,
    private readonly moves: WishlistCartService,
  ) {}

  @Get()
  @ApiOperation({
    summary: 'Your wishlists',
    description: 'The default first, then oldest first, each with its item count.',
  })
  @ApiOkResponse({ type: WishlistListDto })
  listWishlists(@CurrentUser() actor: AuthUser): Promise<WishlistListDto> {
    return this.wishlists.list(actor.id);
  }

  @Post()
  @ApiOperation({
    summary: 'Create a wishlist',
    description: 'Your first wishlist is your default one. At most 50 wishlists (else 409).',
  })
  @ApiCreatedResponse({ type: WishlistDto })
  @ApiBodyErrors()
  @ApiErrors(409)
  createWishlist(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateWishlistDto,
  ): Promise<WishlistDto> {
    return this.wishlists.create(actor.id, dto);
  }

  @Get(':wishlistId')
  @ApiParam(WISHLIST_ID)
  @ApiOperation({
    summary: 'A wishlist of yours, with its products',
    description: "Another user's wishlist is 404.",
  })
  @ApiOkResponse({ type: WishlistDto })
  @ApiErrors(400, 404)
  getWishlist(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
  ): Promise<WishlistDto> {
    return this.wishlists.get(actor.id, ref);
  }

  @Patch(':wishlistId')
  @ApiParam(WISHLIST_ID)
  @ApiOperation({
    summary: 'Rename, publish or make default',
    description:
      '`isDefault: true` makes it the default (the previous one stops being it); `isDefault: false` on the default → 409 `DEFAULT_WISHLIST_REQUIRED`.',
  })
  @ApiOkResponse({ type: WishlistDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateWishlist(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
    @Body() dto: UpdateWishlistDto,
  ): Promise<WishlistDto> {
    return this.wishlists.update(actor.id, ref, dto);
  }

  @Delete(':wishlistId')
  @HttpCode(204)
  @ApiParam(WISHLIST_ID)
  @ApiOperation({
    summary: 'Delete a wishlist',
    description: 'Deleting the default makes your oldest other wishlist the default.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async deleteWishlist(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
  ): Promise<void> {
    await this.wishlists.delete(actor.id, ref);
  }

  @Post(':wishlistId/share-token')
  @HttpCode(200)
  @ApiParam(WISHLIST_ID)
  @ApiOperation({
    summary: 'Replace the share link',
    description: 'A new `shareToken`: links with the old one stop working at once.',
  })
  @ApiOkResponse({ type: WishlistDto })
  @ApiErrors(400, 404)
  rotateWishlistShareToken(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
  ): Promise<WishlistDto> {
    return this.wishlists.rotateShareToken(actor.id, ref);
  }

  @Post(':wishlistId/items')
  @HttpCode(200)
  @ApiParam(WISHLIST_ID)
  @ApiOperation({
    summary: 'Add a product',
    description:
      'Idempotent: a product already on the list stays once. An unknown or inactive product is 404; at most 500 products (else 409).',
  })
  @ApiOkResponse({ type: WishlistDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  addWishlistItem(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
    @Body() dto: AddWishlistItemDto,
  ): Promise<WishlistDto> {
    return this.wishlists.addItem(actor.id, ref, dto.productId);
  }

  @Delete(':wishlistId/items/:productId')
  @HttpCode(204)
  @ApiParam(WISHLIST_ID)
  @ApiOperation({ summary: 'Remove a product', description: 'Not on the list → 404.' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiErrors(400, 404)
  async removeWishlistItem(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
    @Param('productId', ParseUUIDPipe) productId: string,
  ): Promise<void> {
    await this.wishlists.removeItem(actor.id, ref, productId);
  }

  @Post(':wishlistId/items/:productId/move-to-cart')
  @HttpCode(200)
  @ApiParam(WISHLIST_ID)
  @ApiOperation({
    summary: 'Move a product to the cart',
    description:
      "Adds `quantity` (default 1) to your cart and takes the product off the list. The cart's errors are this operation's: 409 `INSUFFICIENT_STOCK` (`details: [{productId, requested, available}]`) or `PRODUCT_UNAVAILABLE`, and the product then stays on the list. Not on the list → 404.",
  })
  @ApiOkResponse({ type: WishlistMoveResultDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  moveWishlistItemToCart(
    @CurrentUser() actor: AuthUser,
    @Param('wishlistId', WishlistRefPipe) ref: WishlistRef,
    @Param('productId', ParseUUIDPipe) productId: string,
    @Body() dto: MoveWishlistItemToCartDto,
  ): Promise<WishlistMoveResultDto> {
    return this.moves.moveToCart(actor.id, ref, productId, dto?.quantity ?? 1, dto?.variantId);
  }
}
