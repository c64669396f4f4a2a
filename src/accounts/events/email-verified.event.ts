import { DomainEvent } from '@/common/events/domain-event-bus.js';

/** An account proved its address (email verification), recorded in the verification's transaction. */
export class EmailVerified extends DomainEvent {
  constructor(
    readonly userId: string,
    /** The address verified, as the account has it. */
    readonly email: string,
  ) {
    super();
  }
}
