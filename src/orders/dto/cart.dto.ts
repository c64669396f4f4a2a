import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { ProductDto } from '@/catalog/dto/product.dto.js';

export const MAX_LINE_QUANTITY = 999;

export class AddCartItemDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

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

export const CART_ITEM_ISSUES = ['unavailable', 'insufficient_stock'] as const;
export type CartItemIssue = (typeof CART_ITEM_ISSUES)[number];

export class CartItemDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({
    type: () => ProductDto,
    description: 'The product as it is now (current price and stock)',
  })
  product!: ProductDto;

  @ApiProperty({ type: 'integer' })
  quantity!: number;

  @ApiProperty({ type: 'integer', description: 'Current unit price × quantity, minor units' })
  lineTotal!: number;

  @ApiProperty({
    enum: CART_ITEM_ISSUES,
    enumName: 'CartItemIssue',
    nullable: true,
    description:
      'Why this line blocks checkout: the product is inactive, or has less stock than the quantity',
  })
  issue!: CartItemIssue | null;
}

export class CartDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ type: [CartItemDto], description: 'Oldest line first' })
  items!: CartItemDto[];

  @ApiProperty({ type: 'integer', description: 'Sum of quantities' })
  itemCount!: number;

  @ApiProperty({ type: 'integer', description: 'Sum of line totals, minor units' })
  subtotal!: number;

  @ApiProperty({ example: 'USD' })
  currency!: string;
}
