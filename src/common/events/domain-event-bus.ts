import { Injectable, Logger } from '@nestjs/common';
import {
  DataSource,
  type EntityManager,
  type EntitySubscriberInterface,
  type QueryRunner,
} from 'typeorm';

/** Base of every domain event: readonly facts, ids rather than entities. */
export abstract class DomainEvent {
  readonly occurredAt = new Date();
}

type EventClass<E extends DomainEvent> = abstract new (...args: never[]) => E;
type InTransactionHandler<E> = (event: E, manager: EntityManager) => Promise<void>;
type AfterCommitHandler<E> = (event: E) => Promise<void> | void;

interface Pending {
  /** Events whose in-transaction handlers have not run yet. */
  toHandle: DomainEvent[];
  /** Events to deliver to after-commit handlers once the transaction committed. */
  committed: DomainEvent[];
}

/**
 * The domain-event bus. Events are recorded on the running transaction (by entity subscribers
 * or services); *in-transaction* handlers run just before COMMIT through that transaction's
 * EntityManager, so what they write commits or rolls back with the change; *after-commit*
 * handlers run only after a successful COMMIT, and a rollback drops the events unseen.
 *
 * Handlers are registered by the modules that care (publishers do not know them). After-commit
 * handlers must not throw into the request: their failures are caught and logged here.
 */
@Injectable()
export class DomainEventBus implements EntitySubscriberInterface {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly inTransaction = new Map<unknown, InTransactionHandler<DomainEvent>[]>();
  private readonly afterCommit = new Map<unknown, AfterCommitHandler<DomainEvent>[]>();
  private readonly pending = new WeakMap<QueryRunner, Pending>();

  constructor(dataSource: DataSource) {
    // Transaction events of every query runner (DI subscriber: not listed in `subscribers`).
    dataSource.subscribers.push(this);
  }

  onInTransaction<E extends DomainEvent>(
    type: EventClass<E>,
    handler: InTransactionHandler<E>,
  ): void {
    const list = this.inTransaction.get(type) ?? [];
    list.push(handler as InTransactionHandler<DomainEvent>);
    this.inTransaction.set(type, list);
  }

  onAfterCommit<E extends DomainEvent>(type: EventClass<E>, handler: AfterCommitHandler<E>): void {
    const list = this.afterCommit.get(type) ?? [];
    list.push(handler as AfterCommitHandler<DomainEvent>);
    this.afterCommit.set(type, list);
  }

  /** Records `event` on the transaction of `manager` (which must be inside one). No I/O. */
  record(event: DomainEvent, manager: EntityManager): void {
    const runner = manager.queryRunner;
    if (!runner?.isTransactionActive) {
      throw new Error(`${event.constructor.name} must be recorded inside a transaction`);
    }
    let pending = this.pending.get(runner);
    if (!pending) {
      pending = { toHandle: [], committed: [] };
      this.pending.set(runner, pending);
    }
    pending.toHandle.push(event);
  }

  /**
   * Runs the in-transaction handlers of the events recorded so far, now, so the use case can
   * read what they wrote (e.g. the history row in the response). Otherwise they run at COMMIT.
   */
  async flush(manager: EntityManager): Promise<void> {
    const runner = manager.queryRunner;
    const pending = runner ? this.pending.get(runner) : undefined;
    if (!runner || !pending) return;
    // Handlers may record further events: run until none is left.
    for (let next = pending.toHandle.shift(); next; next = pending.toHandle.shift()) {
      for (const handler of this.inTransaction.get(next.constructor) ?? []) {
        await handler(next, runner.manager);
      }
      pending.committed.push(next);
    }
  }

  async beforeTransactionCommit(event: { queryRunner: QueryRunner }): Promise<void> {
    if (isOutermost(event.queryRunner)) await this.flush(event.queryRunner.manager);
  }

  /**
   * Awaited by TypeORM before `transaction()` resolves, so after-commit work (cache
   * invalidation, socket pushes) is done before the request answers; failures are only logged.
   */
  async afterTransactionCommit(event: { queryRunner: QueryRunner }): Promise<void> {
    if (event.queryRunner.isTransactionActive) return; // a savepoint was released, not the transaction
    const pending = this.pending.get(event.queryRunner);
    if (!pending) return;
    this.pending.delete(event.queryRunner);
    await Promise.all(pending.committed.map((committed) => this.deliver(committed)));
  }

  afterTransactionRollback(event: { queryRunner: QueryRunner }): void {
    if (!event.queryRunner.isTransactionActive) this.pending.delete(event.queryRunner);
  }

  private async deliver(event: DomainEvent): Promise<void> {
    const handlers = this.afterCommit.get(event.constructor) ?? [];
    const results = await Promise.allSettled(handlers.map(async (handler) => handler(event)));
    for (const result of results) {
      if (result.status === 'rejected') {
        this.logger.error(
          { err: result.reason as unknown },
          `after-commit handler of ${event.constructor.name} failed`,
        );
      }
    }
  }
}

function isOutermost(runner: QueryRunner): boolean {
  return (runner as unknown as { transactionDepth: number }).transactionDepth <= 1;
}
