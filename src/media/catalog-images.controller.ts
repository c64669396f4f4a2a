import {
  applyDecorators,
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Req,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { ImageOwnerKind } from '@/catalog/index.js';
import { Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { CatalogImagesService, IMAGE_UPLOAD_FIELDS } from './catalog-images.service.js';
import {
  CatalogImageDto,
  CatalogImageListDto,
  ReorderCatalogImagesDto,
  toCatalogImageDto,
  UpdateCatalogImageDto,
  UploadImageFormDto,
} from './dto/catalog-image.dto.js';
import { AcceptsMultipart, ApiImageUploadErrors, readImageUpload } from './image-upload.js';

const OWNER_PARAM = (what: string): MethodDecorator & ClassDecorator =>
  ApiParam({ name: 'idOrSlug', description: `The ${what}'s id, or its slug` });
const IMAGE_PARAM = ApiParam({ name: 'imageId', format: 'uuid' });

/** Documents a multipart image upload: the form, 201 with the image, and every way it fails. */
const ImageUpload = (what: string): MethodDecorator =>
  applyDecorators(
    AcceptsMultipart(),
    ApiConsumes('multipart/form-data'),
    ApiBody({ type: UploadImageFormDto }),
    ApiOperation({
      summary: `Upload an image of a ${what} (staff)`,
      description:
        'Multipart form: `file` (JPEG, PNG, WebP or GIF, recognised by its content), optional `altText` and `isPrimary`. ' +
        'Stored re-encoded in its format, upright and without metadata (EXIF/GPS, XMP, IPTC, comments). ' +
        'Too large → 413; not one of those formats → 415; unreadable, or more than `MEDIA_MAX_PIXELS` pixels → 422; ' +
        '20 images already → 409; more than `UPLOAD_RATE_LIMIT` uploads a minute → 429.',
    }),
    ApiCreatedResponse({ type: CatalogImageDto }),
    ApiImageUploadErrors(),
    ApiErrors(404, 409),
  );

/** Thin HTTP adapters over {@link CatalogImagesService}, one set per kind of owner. */
abstract class OwnerImages {
  constructor(
    protected readonly images: CatalogImagesService,
    private readonly kind: ImageOwnerKind,
  ) {}

  protected async listFor(idOrSlug: string): Promise<CatalogImageListDto> {
    return { items: (await this.images.list(this.kind, idOrSlug)).map(toCatalogImageDto) };
  }

  protected async uploadFor(idOrSlug: string, request: FastifyRequest): Promise<CatalogImageDto> {
    const upload = await readImageUpload(request, {
      maxBytes: this.images.maxUploadBytes,
      fields: IMAGE_UPLOAD_FIELDS,
    });
    return toCatalogImageDto(await this.images.upload(this.kind, idOrSlug, upload));
  }

  protected async updateFor(
    idOrSlug: string,
    imageId: string,
    dto: UpdateCatalogImageDto,
  ): Promise<CatalogImageDto> {
    return toCatalogImageDto(await this.images.update(this.kind, idOrSlug, imageId, dto));
  }

  protected async reorderFor(idOrSlug: string, imageIds: string[]): Promise<CatalogImageListDto> {
    return {
      items: (await this.images.reorder(this.kind, idOrSlug, imageIds)).map(toCatalogImageDto),
    };
  }

  protected deleteFor(idOrSlug: string, imageId: string): Promise<void> {
    return this.images.delete(this.kind, idOrSlug, imageId);
  }
}

@ApiTags('products')
@Roles('staff', 'admin')
@Controller('api/products/:idOrSlug/images')
export class ProductImagesController extends OwnerImages {
  constructor(images: CatalogImagesService) {
    super(images, 'product');
  }

  @Get()
  @OWNER_PARAM('product')
  @ApiOperation({ summary: "A product's uploaded images (staff)" })
  @ApiOkResponse({ type: CatalogImageListDto })
  @ApiErrors(404)
  listProductImages(@Param('idOrSlug') idOrSlug: string): Promise<CatalogImageListDto> {
    return this.listFor(idOrSlug);
  }

  @Post()
  @OWNER_PARAM('product')
  @ImageUpload('product')
  uploadProductImage(
    @Param('idOrSlug') idOrSlug: string,
    @Req() request: FastifyRequest,
  ): Promise<CatalogImageDto> {
    return this.uploadFor(idOrSlug, request);
  }

  @Put('order')
  @OWNER_PARAM('product')
  @ApiOperation({ summary: "Reorder a product's images (staff)" })
  @ApiOkResponse({ type: CatalogImageListDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  reorderProductImages(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: ReorderCatalogImagesDto,
  ): Promise<CatalogImageListDto> {
    return this.reorderFor(idOrSlug, dto.imageIds);
  }

  @Patch(':imageId')
  @OWNER_PARAM('product')
  @IMAGE_PARAM
  @ApiOperation({ summary: "Change a product image's alt text or make it primary (staff)" })
  @ApiOkResponse({ type: CatalogImageDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  updateProductImage(
    @Param('idOrSlug') idOrSlug: string,
    @Param('imageId', ParseUUIDPipe) imageId: string,
    @Body() dto: UpdateCatalogImageDto,
  ): Promise<CatalogImageDto> {
    return this.updateFor(idOrSlug, imageId, dto);
  }

  @Delete(':imageId')
  @HttpCode(204)
  @OWNER_PARAM('product')
  @IMAGE_PARAM
  @ApiOperation({ summary: 'Delete a product image and its file (staff)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  deleteProductImage(
    @Param('idOrSlug') idOrSlug: string,
    @Param('imageId', ParseUUIDPipe) imageId: string,
  ): Promise<void> {
    return this.deleteFor(idOrSlug, imageId);
  }
}

@ApiTags('categories')
@Roles('staff', 'admin')
@Controller('api/categories/:idOrSlug/images')
export class CategoryImagesController extends OwnerImages {
  constructor(images: CatalogImagesService) {
    super(images, 'category');
  }

  @Get()
  @OWNER_PARAM('category')
  @ApiOperation({ summary: "A category's uploaded images (staff)" })
  @ApiOkResponse({ type: CatalogImageListDto })
  @ApiErrors(404)
  listCategoryImages(@Param('idOrSlug') idOrSlug: string): Promise<CatalogImageListDto> {
    return this.listFor(idOrSlug);
  }

  @Post()
  @OWNER_PARAM('category')
  @ImageUpload('category')
  uploadCategoryImage(
    @Param('idOrSlug') idOrSlug: string,
    @Req() request: FastifyRequest,
  ): Promise<CatalogImageDto> {
    return this.uploadFor(idOrSlug, request);
  }

  @Put('order')
  @OWNER_PARAM('category')
  @ApiOperation({ summary: "Reorder a category's images (staff)" })
  @ApiOkResponse({ type: CatalogImageListDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  reorderCategoryImages(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: ReorderCatalogImagesDto,
  ): Promise<CatalogImageListDto> {
    return this.reorderFor(idOrSlug, dto.imageIds);
  }

  @Patch(':imageId')
  @OWNER_PARAM('category')
  @IMAGE_PARAM
  @ApiOperation({ summary: "Change a category image's alt text or make it primary (staff)" })
  @ApiOkResponse({ type: CatalogImageDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  updateCategoryImage(
    @Param('idOrSlug') idOrSlug: string,
    @Param('imageId', ParseUUIDPipe) imageId: string,
    @Body() dto: UpdateCatalogImageDto,
  ): Promise<CatalogImageDto> {
    return this.updateFor(idOrSlug, imageId, dto);
  }

  @Delete(':imageId')
  @HttpCode(204)
  @OWNER_PARAM('category')
  @IMAGE_PARAM
  @ApiOperation({ summary: 'Delete a category image and its file (staff)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  deleteCategoryImage(
    @Param('idOrSlug') idOrSlug: string,
    @Param('imageId', ParseUUIDPipe) imageId: string,
  ): Promise<void> {
    return this.deleteFor(idOrSlug, imageId);
  }
}

@ApiTags('brands')
@Roles('staff', 'admin')
@Controller('api/brands/:idOrSlug/images')
export class BrandImagesController extends OwnerImages {
  constructor(images: CatalogImagesService) {
    super(images, 'brand');
  }

  @Get()
  @OWNER_PARAM('brand')
  @ApiOperation({ summary: "A brand's uploaded images (staff)" })
  @ApiOkResponse({ type: CatalogImageListDto })
  @ApiErrors(404)
  listBrandImages(@Param('idOrSlug') idOrSlug: string): Promise<CatalogImageListDto> {
    return this.listFor(idOrSlug);
  }

  @Post()
  @OWNER_PARAM('brand')
  @ImageUpload('brand')
  uploadBrandImage(
    @Param('idOrSlug') idOrSlug: string,
    @Req() request: FastifyRequest,
  ): Promise<CatalogImageDto> {
    return this.uploadFor(idOrSlug, request);
  }

  @Put('order')
  @OWNER_PARAM('brand')
  @ApiOperation({ summary: "Reorder a brand's images (staff)" })
  @ApiOkResponse({ type: CatalogImageListDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  reorderBrandImages(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: ReorderCatalogImagesDto,
  ): Promise<CatalogImageListDto> {
    return this.reorderFor(idOrSlug, dto.imageIds);
  }

  @Patch(':imageId')
  @OWNER_PARAM('brand')
  @IMAGE_PARAM
  @ApiOperation({ summary: "Change a brand image's alt text or make it primary (staff)" })
  @ApiOkResponse({ type: CatalogImageDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  updateBrandImage(
    @Param('idOrSlug') idOrSlug: string,
    @Param('imageId', ParseUUIDPipe) imageId: string,
    @Body() dto: UpdateCatalogImageDto,
  ): Promise<CatalogImageDto> {
    return this.updateFor(idOrSlug, imageId, dto);
  }

  @Delete(':imageId')
  @HttpCode(204)
  @OWNER_PARAM('brand')
  @IMAGE_PARAM
  @ApiOperation({ summary: 'Delete a brand image and its file (staff)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  deleteBrandImage(
    @Param('idOrSlug') idOrSlug: string,
    @Param('imageId', ParseUUIDPipe) imageId: string,
  ): Promise<void> {
    return this.deleteFor(idOrSlug, imageId);
  }
}
