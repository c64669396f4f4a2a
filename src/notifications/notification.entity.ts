import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A user's notification. Ids are time-ordered UUIDs made by the database (see the migration). */
@Entity('notifications')
export class Notification {
  @PrimaryColumn({ type: 'uuid', insert: false, default: () => 'next_notification_id()' })
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  message!: string;

  @Column({ type: 'jsonb', default: {} })
  data!: Record<string, unknown>;

  @Column({ type: 'timestamptz', nullable: true })
  readAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
