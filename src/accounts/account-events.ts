import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { OutboxService } from '@/outbox/outbox.service.js';

/** `account.password_reset_requested`: only the address asked for; no account is looked up. */
export interface PasswordResetRequestedPayload {
  email: string;
}

/** `account.email_verification_requested`: the address to verify, as it was then. */
export interface EmailVerificationRequestedPayload {
  email: string;
}

/** `account.password_changed` (a change or a reset). */
export interface PasswordChangedPayload {
  changedAt: string;
}

/**
 * The account events that leave the process, for email (internal types: never webhooks). Each is
 * recorded in the caller's transaction, so the email goes out only if the change commits. None
 * carries a token: tokens are minted when the email is sent, so none rests in the outbox.
 */
@Injectable()
export class AccountEvents {
  constructor(private readonly outbox: OutboxService) {}

  async passwordResetRequested(manager: EntityManager, email: string): Promise<void> {
    const payload: PasswordResetRequestedPayload = { email };
    await this.outbox.record(manager, {
      type: 'account.password_reset_requested',
      aggregateType: 'user',
      // Not the account's id: recording must not look the address up (same work either way).
      aggregateId: randomUUID(),
      payload: { ...payload },
    });
  }

  async emailVerificationRequested(
    manager: EntityManager,
    user: { id: string; email: string },
  ): Promise<void> {
    const payload: EmailVerificationRequestedPayload = { email: user.email };
    await this.outbox.record(manager, {
      type: 'account.email_verification_requested',
      aggregateType: 'user',
      aggregateId: user.id,
      userId: user.id,
      payload: { ...payload },
    });
  }

  async passwordChanged(manager: EntityManager, userId: string): Promise<void> {
    const payload: PasswordChangedPayload = { changedAt: new Date().toISOString() };
    await this.outbox.record(manager, {
      type: 'account.password_changed',
      aggregateType: 'user',
      aggregateId: userId,
      userId,
      payload: { ...payload },
    });
  }
}
