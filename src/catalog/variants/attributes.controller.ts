import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Public, Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { InvalidatesCache } from '../cache/cache-invalidation.interceptor.js';
import { AttributesService } from './attributes.service.js';
import {
  AttributeDto,
  AttributeListDto,
  CreateAttributeDto,
  CreateAttributeValueDto,
  toAttributeDto,
  UpdateAttributeDto,
  UpdateAttributeValueDto,
} from './dto/attribute.dto.js';

const AttributeParam = (): MethodDecorator =>
  ApiParam({ name: 'idOrSlug', description: "The attribute's id, or its slug" });
const ValueParam = (): MethodDecorator =>
  ApiParam({ name: 'valueIdOrSlug', description: "The value's id, or its slug" });

@ApiTags('attributes')
@Controller('api/attributes')
export class AttributesController {
  constructor(private readonly attributes: AttributesService) {}

  @Get()
  @Public()
  @ApiOperation({
    summary: 'List attributes',
    description:
      'Every attribute with its values (by position, then name): what the `attributes` filter of the product lists takes.',
  })
  @ApiOkResponse({ type: AttributeListDto })
  @ApiErrors(400)
  async listAttributes(): Promise<AttributeListDto> {
    return { items: (await this.attributes.list()).map(toAttributeDto) };
  }

  @Get(':idOrSlug')
  @Public()
  @AttributeParam()
  @ApiOperation({ summary: 'An attribute with its values' })
  @ApiOkResponse({ type: AttributeDto })
  @ApiErrors(404)
  async getAttribute(@Param('idOrSlug') idOrSlug: string): Promise<AttributeDto> {
    return toAttributeDto(await this.attributes.get(idOrSlug));
  }

  @Post()
  @Roles('staff', 'admin')
  @ApiOperation({
    summary: 'Create an attribute (staff)',
    description: 'Optionally with its values. Slugs are generated from the names and never change.',
  })
  @ApiCreatedResponse({ type: AttributeDto })
  @ApiBodyErrors()
  @ApiErrors(409)
  async createAttribute(@Body() dto: CreateAttributeDto): Promise<AttributeDto> {
    return toAttributeDto(await this.attributes.create(dto));
  }

  @Patch(':idOrSlug')
  @Roles('staff', 'admin')
  @InvalidatesCache('attribute')
  @AttributeParam()
  @ApiOperation({
    summary: 'Rename or reorder an attribute (staff)',
    description: 'The slug stays.',
  })
  @ApiOkResponse({ type: AttributeDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  async updateAttribute(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: UpdateAttributeDto,
  ): Promise<AttributeDto> {
    return toAttributeDto(await this.attributes.update(idOrSlug, dto));
  }

  @Delete(':idOrSlug')
  @HttpCode(204)
  @Roles('staff', 'admin')
  @InvalidatesCache('attribute')
  @AttributeParam()
  @ApiOperation({
    summary: 'Delete an attribute and its values (staff)',
    description: '409 while a variant uses one of its values.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 409)
  async deleteAttribute(@Param('idOrSlug') idOrSlug: string): Promise<void> {
    await this.attributes.delete(idOrSlug);
  }

  @Post(':idOrSlug/values')
  @Roles('staff', 'admin')
  @AttributeParam()
  @ApiOperation({
    summary: 'Add a value to an attribute (staff)',
    description: 'Answers the attribute.',
  })
  @ApiCreatedResponse({ type: AttributeDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  async createAttributeValue(
    @Param('idOrSlug') idOrSlug: string,
    @Body() dto: CreateAttributeValueDto,
  ): Promise<AttributeDto> {
    return toAttributeDto(await this.attributes.createValue(idOrSlug, dto));
  }

  @Patch(':idOrSlug/values/:valueIdOrSlug')
  @Roles('staff', 'admin')
  @InvalidatesCache('attribute')
  @AttributeParam()
  @ValueParam()
  @ApiOperation({
    summary: 'Rename or reorder a value (staff)',
    description: 'The slug stays. Answers the attribute.',
  })
  @ApiOkResponse({ type: AttributeDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  async updateAttributeValue(
    @Param('idOrSlug') idOrSlug: string,
    @Param('valueIdOrSlug') valueIdOrSlug: string,
    @Body() dto: UpdateAttributeValueDto,
  ): Promise<AttributeDto> {
    return toAttributeDto(await this.attributes.updateValue(idOrSlug, valueIdOrSlug, dto));
  }

  @Delete(':idOrSlug/values/:valueIdOrSlug')
  @HttpCode(204)
  @Roles('staff', 'admin')
  @InvalidatesCache('attribute')
  @AttributeParam()
  @ValueParam()
  @ApiOperation({ summary: 'Delete a value (staff)', description: '409 while a variant uses it.' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(404, 409)
  async deleteAttributeValue(
    @Param('idOrSlug') idOrSlug: string,
    @Param('valueIdOrSlug') valueIdOrSlug: string,
  ): Promise<void> {
    await this.attributes.deleteValue(idOrSlug, valueIdOrSlug);
  }
}
