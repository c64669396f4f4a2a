import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { Public } from '@/common/auth.js';
import { ApiErrors } from '@/common/openapi.js';
import { SharedWishlistDto } from './dto/wishlist.dto.js';
import { WishlistsService } from './wishlists.service.js';

@ApiTags('wishlists')
@Controller('api/shared-wishlists')
export class SharedWishlistsController {
  constructor(private readonly wishlists: WishlistsService) {}

  @Get(':shareToken')
  @Public()
  @ApiParam({ name: 'shareToken', description: "The wishlist's `shareToken`" })
  @ApiOperation({
    summary: 'A public wishlist, by its share link',
    description:
      'No sign-in needed. Only the name and the products still sold; nothing about the owner. A private wishlist, or an old or unknown token, is 404.',
  })
  @ApiOkResponse({ type: SharedWishlistDto })
  @ApiErrors(404)
  getSharedWishlist(@Param('shareToken') shareToken: string): Promise<SharedWishlistDto> {
    return this.wishlists.shared(shareToken);
  }
}
