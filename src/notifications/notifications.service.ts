import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, IsNull } from 'typeorm';
import { found } from '@/common/domain-error.js';
import {
  type ListNotificationsQueryDto,
  type NotificationDto,
  toNotificationDto,
} from './dto/notification.dto.js';
import { Notification } from './notification.entity.js';

export interface NewNotification {
  userId: string;
  type: string;
  title: string;
  message: string;
  data: Record<string, unknown>;
}

/** Stored notifications: written inside the transaction of the change they report. */
@Injectable()
export class NotificationsService {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Creates a notification in the caller's transaction. A per-user transaction lock makes one
   * user's notification ids follow commit order, so `after=<id>` catch-up never skips one.
   * `created_at` is the time of this insert (not the column default `now()`, the transaction's
   * start): a transaction that waited on the lock would otherwise get an id newer, but a
   * `createdAt` older, than the notification listed before it.
   */
  async create(manager: EntityManager, input: NewNotification): Promise<string> {
    // One round trip: the insert's row is made from the lock's (materialized) row, so the id
    // and the clock are taken once the lock is held.
    const [row] = await manager.query<Array<{ id: string }>>(
      `WITH turn AS MATERIALIZED (SELECT pg_advisory_xact_lock(hashtextextended($1::text, 20261126)))
       INSERT INTO notifications (user_id, type, title, message, data, created_at)
       SELECT $1::uuid, $2, $3, $4, $5::jsonb, clock_timestamp() FROM turn
       RETURNING id`,
      [input.userId, input.type, input.title, input.message, JSON.stringify(input.data)],
    );
    return found(row, 'Notification').id;
  }

  /** Newest first; with `after`, strictly newer ones, oldest first (catch-up after a reconnect). */
  async list(userId: string, query: ListNotificationsQueryDto): Promise<NotificationDto[]> {
    const qb = this.db.manager
      .createQueryBuilder(Notification, 'n')
      .where('n.userId = :userId', { userId })
      .limit(query.limit ?? 20);
    if (query.unread) qb.andWhere('n.readAt IS NULL');
    if (query.after) qb.andWhere('n.id > :after', { after: query.after }).orderBy('n.id', 'ASC');
    else qb.orderBy('n.id', 'DESC');
    return (await qb.getMany()).map(toNotificationDto);
  }

  unreadCount(userId: string): Promise<number> {
    return this.db.manager.count(Notification, { where: { userId, readAt: IsNull() } });
  }

  /** Marks one of the user's notifications read (idempotent); another user's is "not found". */
  async markRead(userId: string, id: string): Promise<void> {
    const notification = found(
      await this.db.manager.findOne(Notification, { where: { id, userId } }),
      'Notification',
    );
    if (!notification.readAt)
      await this.db.manager.update(Notification, { id }, { readAt: new Date() });
  }

  async markAllRead(userId: string): Promise<void> {
    await this.db.manager.update(
      Notification,
      { userId, readAt: IsNull() },
      { readAt: new Date() },
    );
  }
}
