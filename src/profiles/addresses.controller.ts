import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { AddressesService } from './addresses.service.js';
import {
  CreateAddressDto,
  SavedAddressDto,
  SavedAddressListDto,
  toSavedAddressDto,
  UpdateAddressDto,
} from './dto/address.dto.js';

const ID = ApiParam({ name: 'id', format: 'uuid', description: 'One of your addresses' });

@ApiTags('profile')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/me/addresses')
export class AddressesController {
  constructor(private readonly addresses: AddressesService) {}

  @Get()
  @ApiOperation({ summary: 'Your address book', description: 'Oldest first.' })
  @ApiOkResponse({ type: SavedAddressListDto })
  async listAddresses(@CurrentUser() actor: AuthUser): Promise<SavedAddressListDto> {
    return { items: (await this.addresses.list(actor)).map(toSavedAddressDto) };
  }

  @Post()
  @ApiOperation({
    summary: 'Add an address',
    description:
      'Your first address becomes the default shipping and billing address. At most 50 addresses (409).',
  })
  @ApiCreatedResponse({ type: SavedAddressDto })
  @ApiBodyErrors()
  @ApiErrors(409)
  async createAddress(
    @CurrentUser() actor: AuthUser,
    @Body() dto: CreateAddressDto,
  ): Promise<SavedAddressDto> {
    return toSavedAddressDto(await this.addresses.create(actor, dto));
  }

  @Get(':id')
  @ID
  @ApiOperation({ summary: 'One of your addresses', description: "Another user's is 404." })
  @ApiOkResponse({ type: SavedAddressDto })
  @ApiErrors(400, 404)
  async getAddress(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SavedAddressDto> {
    return toSavedAddressDto(await this.addresses.get(actor, id));
  }

  @Patch(':id')
  @ID
  @ApiOperation({
    summary: 'Update one of your addresses',
    description: 'Every field optional; `null` clears `label`, `line2`, `region` or `phone`.',
  })
  @ApiOkResponse({ type: SavedAddressDto })
  @ApiBodyErrors()
  @ApiErrors(404)
  async updateAddress(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAddressDto,
  ): Promise<SavedAddressDto> {
    return toSavedAddressDto(await this.addresses.update(actor, id, dto));
  }

  @Delete(':id')
  @ID
  @HttpCode(204)
  @ApiOperation({
    summary: 'Delete one of your addresses',
    description: 'Deleting a default leaves no default of that kind until you set one.',
  })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiErrors(400, 404)
  async deleteAddress(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.addresses.delete(actor, id);
  }

  @Post(':id/default-shipping')
  @ID
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make it your default shipping address',
    description: 'Checkout uses it when the order gives no shipping address.',
  })
  @ApiOkResponse({ type: SavedAddressDto })
  @ApiErrors(400, 404)
  async setDefaultShippingAddress(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SavedAddressDto> {
    return toSavedAddressDto(await this.addresses.setDefault(actor, id, 'shipping'));
  }

  @Post(':id/default-billing')
  @ID
  @HttpCode(200)
  @ApiOperation({
    summary: 'Make it your default billing address',
    description: 'Checkout uses it when the order gives no billing address.',
  })
  @ApiOkResponse({ type: SavedAddressDto })
  @ApiErrors(400, 404)
  async setDefaultBillingAddress(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<SavedAddressDto> {
    return toSavedAddressDto(await this.addresses.setDefault(actor, id, 'billing'));
  }
}
