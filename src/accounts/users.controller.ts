import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@/common/auth.js';
import { ApiBodyErrors, ApiErrors } from '@/common/openapi.js';
import { type Page, PageDto } from '@/common/pagination.js';
import { ListUsersQueryDto, UpdateUserRoleDto } from './dto/me.dto.js';
import { toUserDto, UserDto } from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Get()
  @ApiOperation({
    summary: 'List users (admin)',
    description: 'Newest first; `q` matches email or name.',
  })
  @ApiOkResponse({ type: PageDto(UserDto) })
  @ApiErrors(400)
  async listUsers(@Query() query: ListUsersQueryDto): Promise<Page<UserDto>> {
    const page = await this.users.list(query);
    return { ...page, items: page.items.map(toUserDto) };
  }

  @Patch(':id/role')
  @ApiOperation({
    summary: "Change a user's role (admin)",
    description:
      "The user's refresh tokens are revoked, so the new role is in every token they hold from their next login.",
  })
  @ApiOkResponse({ type: UserDto })
  @ApiBodyErrors()
  @ApiErrors(404, 409)
  async updateUserRole(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserRoleDto,
  ): Promise<UserDto> {
    return toUserDto(await this.users.updateRole(id, dto.role));
  }
}
