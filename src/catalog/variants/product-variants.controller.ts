import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, isStaff, OptionalAuth, OptionalUser, Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { InvalidatesCache } from '../cache/cache-invalidation.interceptor.js';
import {
  CreateProductVariantDto,
  ProductVariantDto,
  ProductVariantListDto,
  UpdateProductVariantDto,
} from './dto/product-variant.dto.js';
import { ProductVariantsService } from './product-variants.service.js';

const ProductParam = (): MethodDecorator =>
  ApiParam({ name: 'idOrSlug', description: "The product's id, or its slug" });
const VariantParam = (): MethodDecorator =>
  ApiParam({ name: 'variantId', description: "The variant's id", format: 'uuid' });

@ApiTags('products')
@Controller('api/products/:idOrSlug/variants')
export class ProductVariantsController {
  constructor(private readonly variants: ProductVariantsService) {}

  @Get()
  @OptionalAuth()
  @ProductParam()
  @ApiOperation({
    summary: "A product's variants",
    description:
      'Active variants of an active product by position, with their attribute values; staff see inactive ones too. The product detail (`getProduct`) embeds the same list.',
  })
  @ApiOkResponse({ type: ProductVariantListDto })
  @ApiErrors(404)
  async listProductVariants(
    @Param('idOrSlug') idOrSlug: string,
    @OptionalUser() user: AuthUser | undefined,
  ): Promise<ProductVariantListDto> {
    const staff = isStaff(user);
    const owner = await this.variants.owner(idOrSlug, staff);
    return { items: await this.variants.forProduct(owner, staff) };
  }

  @Get(':variantId')
  @OptionalAuth()
  @ProductParam()
  @VariantParam()
  @ApiOperation({
    summary: 'A variant of a product',
    description: 'Inactive variants (and products) are 404 except for staff.',
  })
  @ApiOkResponse({ type: ProductVariantDto })
  @ApiErrors(404)
  async getProductVariant(
    @Param('idOrSlug') idOrSlug: string,
    @Param('variantId') variantId: string,
    @OptionalUser() user: AuthUser | undefined,
  ): Promise<ProductVariantDto> {
    const staff = isStaff(user);
    return this.variants.get(await this.variants.owner(idOrSlug, staff), variantId, staff);
  }

  @Post()
  @Roles('staff', 'admin')
  @InvalidatesCache('variant')
  @ProductParam()
  @ApiOperation({
    summary: 'Add a variant to a product (staff)',
    description:
      "One value per attribute; every variant of a product uses the same attributes and no two the same values. Once a product has an active variant, its `stock` is the sum of its active variants' stock and carts need a `variantId` for it.",
  })
  @ApiCreatedResponse({ type: ProductVariantDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  createProductVariant(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: CreateProductVariantDto,
  ): Promise<ProductVariantDto> {
    return this.variants.create(idOrSlug, dto);
  }

  @Patch(':variantId')
  @Roles('staff', 'admin')
  @InvalidatesCache('variant')
  @ProductParam()
  @VariantParam()
  @ApiOperation({
    summary: 'Update a variant (staff)',
    description:
      '`attributeValueIds` replaces the values (a name that was the default follows them).',
  })
  @ApiOkResponse({ type: ProductVariantDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateProductVariant(
    @Param('idOrSlug') idOrSlug: string,
    @Param('variantId') variantId: string,
    @Body() dto: UpdateProductVariantDto,
  ): Promise<ProductVariantDto> {
    return this.variants.update(idOrSlug, variantId, dto);
  }

  @Delete(':variantId')
  @HttpCode(204)
  @Roles('staff', 'admin')
  @InvalidatesCache('variant')
  @ProductParam()
  @VariantParam()
  @ApiOperation({
    summary: 'Delete a variant (staff)',
    description:
      'Cart lines of it are removed; past orders keep their own copy of name, SKU and price.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404)
  async deleteProductVariant(
    @Param('idOrSlug') idOrSlug: string,
    @Param('variantId') variantId: string,
  ): Promise<void> {
    await this.variants.delete(idOrSlug, variantId);
  }
}
