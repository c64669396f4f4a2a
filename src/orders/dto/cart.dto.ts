import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { ProductDto, ProductVariantDto } from '@/catalog/index.js';

export const MAX_LINE_QUANTITY = 999;

export class AddCartItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiPropertyOptional({
    type: 'string',
    format: 'uuid',
    description:
      'The variant (of `productId`) to add: required when the product has variants (`hasVariants`), refused otherwise; each variant has its own line',
  })
  @IsOptional()
  @IsUUID()
  variantId?: string;

  @ApiProperty({
    type: 'integer',
    minimum: 1,
    maximum: MAX_LINE_QUANTITY,
    description: 'Added to the line if the product is already in the cart',
  })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

export class UpdateCartItemDto {
  @ApiProperty({ type: 'integer', minimum: 1, maximum: MAX_LINE_QUANTITY })
  @IsInt()
  @Min(1)
  @Max(MAX_LINE_QUANTITY)
  quantity!: number;
}

export const CART_ITEM_ISSUES = [
  'unavailable',
  'deleted',
  'insufficient_stock',
  'variant_required',
] as const;
export type CartItemIssue = (typeof CART_ITEM_ISSUES)[number];

export class CartItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    type: () => ProductDto,
    nullable: true,
    description:
      'The product as it is now (current price and stock); `null` when it was deleted after the line was added (`issue: deleted`, its name in `deletedProductName`)',
  })
  product!: ProductDto | null;

  @ApiProperty({
    type: () => ProductVariantDto,
    nullable: true,
    description:
      "The line's variant as it is now (its price, stock and attribute values); `null` for a product without variants",
  })
  variant!: ProductVariantDto | null;

  @ApiProperty({ type: 'integer' })
  quantity!: number;

  @ApiProperty({
    type: 'integer',
    description: "Current unit price (the variant's, for a variant line) × quantity, minor units",
  })
  lineTotal!: number;

  @ApiProperty({
    enum: CART_ITEM_ISSUES,
    enumName: 'CartItemIssue',
    nullable: true,
    description:
      'Why this line blocks checkout: the product (or variant) is inactive, was deleted (remove the line), has less stock than the quantity, or has variants now while the line names none (remove it and add a variant)',
  })
  issue!: CartItemIssue | null;

  @ApiProperty({
    type: 'string',
    required: false,
    description:
      'Only on a line with `issue: deleted`: the name the product (and variant) had when staff deleted it',
  })
  deletedProductName?: string;
}

export class CartDto {
  @ApiProperty({
    type: 'string',
    format: 'uuid',
    nullable: true,
    description: '`null` for a guest who has no cart yet (a guest cart is made by the first add)',
  })
  id!: string | null;

  @ApiProperty({ type: [CartItemDto], description: 'Oldest line first' })
  items!: CartItemDto[];

  @ApiProperty({ type: 'integer', description: 'Sum of quantities' })
  itemCount!: number;

  @ApiProperty({ type: 'integer', description: 'Sum of line totals, minor units' })
  subtotal!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;

  @ApiPropertyOptional({
    format: 'date-time',
    description:
      'Guest carts only: when the cart is deleted unless used again (every use pushes it back)',
  })
  expiresAt?: string;

  @ApiPropertyOptional({
    description:
      'Only in the answer that created a guest cart (also in the `X-Cart-Token` header): the opaque token that identifies it. Send it back in `X-Cart-Token`; it is never shown again, and signing in with it merges the cart into yours.',
    example: 'Xr2b8Q0c1m6mRJ8s7Hq3cS5x0o6r4v2n9q8p7w6e5t4',
  })
  cartToken?: string;
}

/** What checkout would charge for the current cart with a coupon (nothing is reserved). */
export class CouponQuoteDto {
  @ApiProperty({ example: 'SPRING-25', description: 'The code as the shop wrote it' })
  couponCode!: string;

  @ApiProperty({ type: 'integer', description: 'Sum of line totals, minor units' })
  subtotal!: number;

  @ApiProperty({
    type: 'integer',
    description: "The coupon's discount, minor units; never more than the subtotal",
  })
  discountAmount!: number;

  @ApiProperty({ type: 'integer' })
  shippingAmount!: number;

  @ApiProperty({ type: 'integer' })
  taxAmount!: number;

  @ApiProperty({ type: 'integer', description: 'subtotal + shipping + tax − discount' })
  total!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;
}
