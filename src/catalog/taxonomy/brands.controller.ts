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
import { ProductFiltersDto, ProductPageDto } from '../products/dto/list-products-query.dto.js';
import { ProductListReader } from '../products/product-list.reader.js';
import { BrandsService } from './brands.service.js';
import {
  BrandDto,
  BrandListDto,
  CreateBrandDto,
  toBrandDto,
  UpdateBrandDto,
} from './dto/brand.dto.js';
import { IncludeInactiveQueryDto } from './dto/include-inactive-query.dto.js';

@ApiTags('brands')
@Controller('api/brands')
export class BrandsController {
  constructor(
    private readonly brands: BrandsService,
    private readonly lists: ProductListReader,
    private readonly cache: CatalogCache,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'List brands',
    description: 'Every active brand by name, with its active product count.',
  })
  @ApiOkResponse({ type: BrandListDto })
  @ApiErrors(400)
  async listBrands(
    @Query() query: IncludeInactiveQueryDto,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<BrandListDto>> {
    const load = async (includeInactive: boolean): Promise<BrandListDto> => ({
      items: (await this.brands.list(includeInactive)).map(({ item, productCount }) =>
        toBrandDto(item, productCount),
      ),
    });
    if (isStaff(user) && query.includeInactive) return sendUncached(reply, await load(true));
    return sendCached(
      reply,
      await this.cache.getOrLoad([NS.brands], 'list', {}, () => load(false)),
    );
  }

  @Get(':idOrSlug')
  @ApiParam({ name: 'idOrSlug', description: "The brand's slug, or its id" })
  @OptionalAuth()
  @ApiOperation({ summary: 'A brand by slug' })
  @ApiOkResponse({ type: BrandDto })
  @ApiErrors(404)
  async getBrand(
    @Param('idOrSlug') idOrSlug: string,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<BrandDto>> {
    const load = async (includeInactive: boolean): Promise<BrandDto> => {
      const { item, productCount } = await this.brands.getByRef(idOrSlug, includeInactive);
      return toBrandDto(item, productCount);
    };
    if (isStaff(user)) return sendUncached(reply, await load(true));
    return sendCached(
      reply,
      await this.cache.getOrLoad([NS.brands], 'detail', { slug: idOrSlug }, () => load(false)),
    );
  }

  @Get(':idOrSlug/products')
  @ApiParam({ name: 'idOrSlug', description: "The brand's slug, or its id" })
  @OptionalAuth()
  @ApiOperation({
    summary: "A brand's products",
    description: 'The filters of `listProducts`; an unknown slug is 404.',
  })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiErrors(400, 404)
  async listBrandProducts(
    @Param('idOrSlug') idOrSlug: string,
    @Query() query: ProductFiltersDto,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<ProductPageDto>> {
    const { item } = await this.brands.getByRef(idOrSlug, isStaff(user));
    return sendCached(reply, await this.lists.read('brand', query, { brandId: item.id }, user));
  }

  @Post()
  @Roles('staff', 'admin')
  @InvalidatesCache('brand')
  @ApiOperation({
    summary: 'Create a brand (staff)',
    description: 'The slug is generated from the name and never changes.',
  })
  @ApiCreatedResponse({ type: BrandDto })
  @ApiBodyErrors()
  async createBrand(@Body() dto: CreateBrandDto): Promise<BrandDto> {
    const { item, productCount } = await this.brands.create(dto);
    return toBrandDto(item, productCount);
  }

  @Patch(':idOrSlug')
  @ApiParam({ name: 'idOrSlug', description: "The brand's id, or its slug" })
  @Roles('staff', 'admin')
  @InvalidatesCache('brand')
  @ApiOperation({
    summary: 'Update a brand (staff)',
    description: 'Every field optional; the slug stays on rename.',
  })
  @ApiOkResponse({ type: BrandDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  async updateBrand(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: UpdateBrandDto,
  ): Promise<BrandDto> {
    const { item, productCount } = await this.brands.update(idOrSlug, dto);
    return toBrandDto(item, productCount);
  }

  @Delete(':idOrSlug')
  @ApiParam({ name: 'idOrSlug', description: "The brand's id, or its slug" })
  @HttpCode(204)
  @Roles('staff', 'admin')
  @InvalidatesCache('brand')
  @ApiOperation({
    summary: 'Delete a brand (staff)',
    description: '409 while products point at it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  async deleteBrand(@Param('idOrSlug') idOrSlug: string): Promise<void> {
    await this.brands.delete(idOrSlug);
  }
}
