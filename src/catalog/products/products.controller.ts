import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiParam,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { type AuthUser, isStaff, OptionalAuth, OptionalUser, Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { InvalidatesCache } from '../cache/cache-invalidation.interceptor.js';
import { type Json, sendCached, sendUncached } from '../cache/cached-response.js';
import { CatalogNamespace as NS } from '../cache/catalog-cache.keys.js';
import { CatalogCache } from '../cache/catalog-cache.service.js';
import {
  FeaturedQueryDto,
  ListProductsQueryDto,
  ProductPageDto,
} from './dto/list-products-query.dto.js';
import {
  FeaturedProductsDto,
  CreateProductDto,
  ProductDto,
  UpdateProductDto,
} from './dto/product.dto.js';
import { ProductListReader } from './product-list.reader.js';
import { ProductsService } from './products.service.js';

@ApiTags('products')
@Controller('api/products')
export class ProductsController {
  constructor(
    private readonly products: ProductsService,
    private readonly lists: ProductListReader,
    private readonly cache: CatalogCache,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'List products',
    description:
      'Active products (staff may add `includeInactive=true`), filtered, searched and sorted; `page` or keyset `cursor` paging. Cached: see the `X-Cache` header.',
  })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiErrors(400)
  async listProducts(
    @Query() query: ListProductsQueryDto,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<ProductPageDto>> {
    return sendCached(reply, await this.lists.read('list', query, {}, user));
  }

  @Get('featured')
  @OptionalAuth()
  @ApiOperation({
    summary: 'Featured products',
    description:
      'Active featured products, newest first. Staff with `includeInactive=true` also see inactive ones (uncached); from anyone else the parameter is ignored, as on every catalog read.',
  })
  @ApiOkResponse({ type: FeaturedProductsDto })
  @ApiErrors(400)
  async listFeaturedProducts(
    @Query() query: FeaturedQueryDto,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<FeaturedProductsDto>> {
    const limit = query.limit ?? 12;
    if (isStaff(user) && query.includeInactive)
      return sendUncached(reply, { items: await this.products.featured(limit, true) });
    const cached = await this.cache.getOrLoad([NS.products], 'featured', { limit }, async () => ({
      items: await this.products.featured(limit),
    }));
    return sendCached(reply, cached);
  }

  @Get(':idOrSlug')
  @OptionalAuth()
  @ApiOperation({
    summary: 'A product by slug (or id)',
    description: 'Inactive products are 404 except for staff.',
  })
  @ApiParam({ name: 'idOrSlug', description: "The product's slug, or its id" })
  @ApiOkResponse({ type: ProductDto })
  @ApiErrors(404)
  async getProduct(
    @Param('idOrSlug') idOrSlug: string,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<ProductDto>> {
    const slug = await this.products.slugOf(idOrSlug);
    if (isStaff(user)) return sendUncached(reply, await this.products.getBySlug(slug, true));
    const cached = await this.cache.getOrLoad(
      [NS.productDetails, NS.product(slug)],
      'detail',
      { slug },
      () => this.products.getBySlug(slug, false),
    );
    return sendCached(reply, cached);
  }

  @Post()
  @Roles('staff', 'admin')
  @InvalidatesCache('product')
  @ApiOperation({
    summary: 'Create a product (staff)',
    description: 'The slug is generated from the name, unique and stable.',
  })
  @ApiCreatedResponse({ type: ProductDto })
  @ApiBodyErrors()
  @ApiErrors(409)
  createProduct(@Body() dto: CreateProductDto): Promise<ProductDto> {
    return this.products.create(dto);
  }

  @Patch(':idOrSlug')
  @Roles('staff', 'admin')
  @InvalidatesCache('product')
  @ApiParam({ name: 'idOrSlug', description: "The product's id, or its slug" })
  @ApiOperation({
    summary: 'Update a product (staff)',
    description: 'Every field optional; the slug stays.',
  })
  @ApiOkResponse({ type: ProductDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  updateProduct(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: UpdateProductDto,
  ): Promise<ProductDto> {
    return this.products.update(idOrSlug, dto);
  }

  @Delete(':idOrSlug')
  @HttpCode(204)
  @Roles('staff', 'admin')
  @InvalidatesCache('product')
  @ApiParam({ name: 'idOrSlug', description: "The product's id, or its slug" })
  @ApiOperation({
    summary: 'Delete a product (staff)',
    description: 'Past orders keep their own copy of name, SKU and price.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async deleteProduct(@Param('idOrSlug') idOrSlug: string): Promise<void> {
    await this.products.delete(idOrSlug);
  }
}
