import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * One refresh token. The client holds `<id>.<secret>`; only a SHA-256 of the 256-bit secret is
 * stored. Tokens of one login form a family: each refresh spends one token and issues the next
 * in the same family. Presenting a spent token again within `REFRESH_REUSE_GRACE` of its
 * `usedAt` issues another pair of the family (two tabs, a retry); later, it revokes the family.
 */
@Entity('refresh_tokens')
export class RefreshToken {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'uuid' })
  familyId!: string;

  @Column({ type: 'bytea' })
  secretHash!: Buffer;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** When it was rotated (first spent): the reuse grace counts from here. */
  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
