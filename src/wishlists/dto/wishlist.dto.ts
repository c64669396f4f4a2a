import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import {
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { ProductDto } from '@/catalog/index.js';
import { Trim } from '@/common/query-transforms.js';
import { CartDto, MAX_LINE_QUANTITY } from '@/orders/dto/cart.dto.js';

export const MAX_WISHLISTS = 50;
export const MAX_WISHLIST_ITEMS = 500;
export const DEFAULT_WISHLIST_NAME = 'My Wishlist';

export class CreateWishlistDto {
  @ApiProperty({ maxLength: 100, example: 'Birthday ideas' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({
    default: false,
    description: 'Readable by anyone with its share link (`/api/shared-wishlists/{shareToken}`)',
  })
  @ValidateIf((_, v) => v !== undefined) // optional, but not null
  @IsBoolean()
  isPublic?: boolean;

  @ApiPropertyOptional({
    description:
      'Make it your default wishlist (the previous default stops being one). Your first wishlist is the default anyway.',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsBoolean()
  isDefault?: boolean;
}

/**
 * Every field optional. `isDefault: true` moves the default here; `isDefault: false` on the
 * default is a 409 (make another one the default instead).
 */
export class UpdateWishlistDto extends PartialType(CreateWishlistDto, {
  skipNullProperties: false, // `name: null` is a 400
}) {}

export class AddWishlistItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;
}

export class MoveWishlistItemToCartDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LINE_QUANTITY,
    default: 1,
    description: "Added to the product's cart line",
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity?: number;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The variant to add: required when the product has variants (`hasVariants`), refused otherwise (400 `VARIANT_REQUIRED`)',
  })
  @ValidateIf((_, v) => v !== undefined)
  @IsUUID()
  variantId?: string;
}

export class WishlistItemDto {
  @ApiProperty({ format: 'uuid' })
  productId!: string;

  @ApiProperty({
    type: () => ProductDto,
    description: 'As the catalog shows it now (`isActive: false`: no longer sold)',
  })
  product!: ProductDto;

  @ApiProperty({ format: 'date-time' })
  addedAt!: string;
}

export class WishlistSummaryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  name!: string;

  @ApiProperty({ description: 'Exactly one of your wishlists is the default' })
  isDefault!: boolean;

  isPublic!: boolean;

  @ApiProperty({
    description:
      'The secret of the share link `GET /api/shared-wishlists/{shareToken}`, which works while `isPublic` is true',
  })
  shareToken!: string;

  @ApiProperty({ type: 'integer' })
  itemCount!: number;

  @ApiProperty({ format: 'date-time' })
  createdAt!: string;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class WishlistDto extends WishlistSummaryDto {
  @ApiProperty({ type: [WishlistItemDto], description: 'Newest first' })
  items!: WishlistItemDto[];
}

export class WishlistListDto {
  @ApiProperty({ type: [WishlistSummaryDto], description: 'The default first, then oldest first' })
  items!: WishlistSummaryDto[];
}

export class SharedWishlistDto {
  name!: string;

  @ApiProperty({
    type: [WishlistItemDto],
    description: 'Newest first; products no longer sold are left out',
  })
  items!: WishlistItemDto[];

  @ApiProperty({ type: 'integer' })
  itemCount!: number;

  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class WishlistMoveResultDto {
  @ApiProperty({ type: () => WishlistDto, description: 'The wishlist without the moved product' })
  wishlist!: WishlistDto;

  @ApiProperty({ type: () => CartDto, description: 'Your cart with the product added' })
  cart!: CartDto;
}
