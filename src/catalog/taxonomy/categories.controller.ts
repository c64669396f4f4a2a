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
import { CategoriesService } from './categories.service.js';
import {
  CategoryDto,
  CategoryListDto,
  CreateCategoryDto,
  toCategoryDto,
  UpdateCategoryDto,
} from './dto/category.dto.js';
import { IncludeInactiveQueryDto } from './dto/include-inactive-query.dto.js';

@ApiTags('categories')
@Controller('api/categories')
export class CategoriesController {
  constructor(
    private readonly categories: CategoriesService,
    private readonly lists: ProductListReader,
    private readonly cache: CatalogCache,
  ) {}

  @Get()
  @OptionalAuth()
  @ApiOperation({
    summary: 'List categories',
    description: 'Every active category by name, with its active product count.',
  })
  @ApiOkResponse({ type: CategoryListDto })
  @ApiErrors(400)
  async listCategories(
    @Query() query: IncludeInactiveQueryDto,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<CategoryListDto>> {
    const load = async (includeInactive: boolean): Promise<CategoryListDto> => ({
      items: (await this.categories.list(includeInactive)).map(({ item, productCount }) =>
        toCategoryDto(item, productCount),
      ),
    });
    if (isStaff(user) && query.includeInactive) return sendUncached(reply, await load(true));
    return sendCached(
      reply,
      await this.cache.getOrLoad([NS.categories], 'list', {}, () => load(false)),
    );
  }

  @Get(':idOrSlug')
  @ApiParam({ name: 'idOrSlug', description: "The category's slug, or its id" })
  @OptionalAuth()
  @ApiOperation({ summary: 'A category by slug' })
  @ApiOkResponse({ type: CategoryDto })
  @ApiErrors(404)
  async getCategory(
    @Param('idOrSlug') idOrSlug: string,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<CategoryDto>> {
    const load = async (includeInactive: boolean): Promise<CategoryDto> => {
      const { item, productCount } = await this.categories.getByRef(idOrSlug, includeInactive);
      return toCategoryDto(item, productCount);
    };
    if (isStaff(user)) return sendUncached(reply, await load(true));
    return sendCached(
      reply,
      await this.cache.getOrLoad([NS.categories], 'detail', { slug: idOrSlug }, () => load(false)),
    );
  }

  @Get(':idOrSlug/products')
  @ApiParam({ name: 'idOrSlug', description: "The category's slug, or its id" })
  @OptionalAuth()
  @ApiOperation({
    summary: "A category's products",
    description: 'The filters of `listProducts`; an unknown slug is 404.',
  })
  @ApiOkResponse({ type: ProductPageDto })
  @ApiErrors(400, 404)
  async listCategoryProducts(
    @Param('idOrSlug') idOrSlug: string,
    @Query() query: ProductFiltersDto,
    @OptionalUser() user: AuthUser | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Json<ProductPageDto>> {
    const { item } = await this.categories.getByRef(idOrSlug, isStaff(user));
    return sendCached(
      reply,
      await this.lists.read('category', query, { categoryId: item.id }, user),
    );
  }

  @Post()
  @Roles('staff', 'admin')
  @InvalidatesCache('category')
  @ApiOperation({
    summary: 'Create a category (staff)',
    description: 'The slug is generated from the name and never changes.',
  })
  @ApiCreatedResponse({ type: CategoryDto })
  @ApiBodyErrors()
  async createCategory(@Body() dto: CreateCategoryDto): Promise<CategoryDto> {
    const { item, productCount } = await this.categories.create(dto);
    return toCategoryDto(item, productCount);
  }

  @Patch(':idOrSlug')
  @ApiParam({ name: 'idOrSlug', description: "The category's id, or its slug" })
  @Roles('staff', 'admin')
  @InvalidatesCache('category')
  @ApiOperation({
    summary: 'Update a category (staff)',
    description: 'Every field optional; the slug stays on rename.',
  })
  @ApiOkResponse({ type: CategoryDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  async updateCategory(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: UpdateCategoryDto,
  ): Promise<CategoryDto> {
    const { item, productCount } = await this.categories.update(idOrSlug, dto);
    return toCategoryDto(item, productCount);
  }

  @Delete(':idOrSlug')
  @ApiParam({ name: 'idOrSlug', description: "The category's id, or its slug" })
  @HttpCode(204)
  @Roles('staff', 'admin')
  @InvalidatesCache('category')
  @ApiOperation({
    summary: 'Delete a category (staff)',
    description: '409 while products or subcategories point at it.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404, 409)
  async deleteCategory(@Param('idOrSlug') idOrSlug: string): Promise<void> {
    await this.categories.delete(idOrSlug);
  }
}
