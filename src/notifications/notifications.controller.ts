import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AuthUser, CurrentUser } from '@/common/auth.js';
import { ApiErrors } from '@/common/openapi.js';
import {
  ListNotificationsQueryDto,
  NotificationListDto,
  UnreadCountDto,
} from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@ApiBearerAuth()
@ApiErrors(401)
@Controller('api/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @ApiOperation({
    summary: 'Your notifications',
    description:
      'Newest first. After a (re)connect, pass the newest id you have as `after` to get what you missed, oldest first; page with the last id received until fewer than `limit` come back.',
  })
  @ApiOkResponse({ type: NotificationListDto })
  @ApiErrors(400)
  async listNotifications(
    @CurrentUser() actor: AuthUser,
    @Query() query: ListNotificationsQueryDto,
  ): Promise<NotificationListDto> {
    return { items: await this.notifications.list(actor.id, query) };
  }

  @Get('unread-count')
  @ApiOperation({ summary: 'How many of your notifications are unread' })
  @ApiOkResponse({ type: UnreadCountDto })
  async countUnreadNotifications(@CurrentUser() actor: AuthUser): Promise<UnreadCountDto> {
    return { count: await this.notifications.unreadCount(actor.id) };
  }

  @Post('read-all')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark all your notifications read' })
  @ApiNoContentResponse({ description: 'Done' })
  async markAllNotificationsRead(@CurrentUser() actor: AuthUser): Promise<void> {
    await this.notifications.markAllRead(actor.id);
  }

  @Post(':id/read')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Mark one notification read',
    description: "Idempotent; someone else's notification is 404.",
  })
  @ApiNoContentResponse({ description: 'Done' })
  @ApiErrors(400, 404)
  async markNotificationRead(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.notifications.markRead(actor.id, id);
  }
}
