import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
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
type InTransactionHandler<E> = (event: E, manager: EntityManager) => Promise<unknown>;
type AfterCommitHandler<E> = (event: E) => Promise<unknown> | void;

type Phase = 'inTransaction' | 'afterCommit';
interface Declared {
  type: EventClass<DomainEvent>;
  phase: Phase;
  method: string;
}
/** The handler methods a class declares with {@link InTransaction} / {@link AfterCommit}. */
const DECLARED = Symbol('domain event handlers');
type Declaring = { [DECLARED]?: Declared[] };

function declare(target: object, method: string | symbol, type: unknown, phase: Phase): void {
  const owner = target.constructor as Declaring;
  if (!Object.hasOwn(owner, DECLARED)) owner[DECLARED] = [...(owner[DECLARED] ?? [])];
  owner[DECLARED]!.push({ type: type as EventClass<DomainEvent>, phase, method: String(method) });
}

/**
 * Marks a provider's method as a handler of `type` that runs inside the change's transaction,
 * just before COMMIT, with its EntityManager: what it writes commits or rolls back with the
 * change, and a throw rolls the change back. The method's name says what it does with the event
 * (`recordHistory`, `storeNotification`); the bus finds it at start-up.
 */
export function InTransaction<E extends DomainEvent>(type: EventClass<E>) {
  return <M extends (event: E, manager: EntityManager) => Promise<unknown>>(
    target: object,
    method: string | symbol,
    _handler: TypedPropertyDescriptor<M>,
  ): void => declare(target, method, type, 'inTransaction');
}

/**
 * Marks a provider's method as a handler of `type` that runs once the change has committed
 * (never after a rollback), before the request answers; a failure is logged with the handler's
 * name and never reaches the request.
 */
export function AfterCommit<E extends DomainEvent>(type: EventClass<E>) {
  return <M extends (event: E) => Promise<unknown> | void>(
    target: object,
    method: string | symbol,
    _handler: TypedPropertyDescriptor<M>,
  ): void => declare(target, method, type, 'afterCommit');
}

interface Registered<H> {
  /** `Class.method`, for the log. */
  name: string;
  run: H;
}

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
 * Handlers are methods of the modules that care, marked {@link InTransaction} or
 * {@link AfterCommit} (publishers do not know them); the bus collects them from every provider
 * when the application starts, before any module's start-up work (its module is global, and
 * global modules initialise first). After-commit handlers must not throw into the request: their
 * failures are caught and logged here, with the handler's name.
 */
@Injectable()
export class DomainEventBus implements EntitySubscriberInterface, OnModuleInit {
  private readonly logger = new Logger(DomainEventBus.name);
  private readonly inTransaction = new Map<
    unknown,
    Registered<InTransactionHandler<DomainEvent>>[]
  >();
  private readonly afterCommit = new Map<unknown, Registered<AfterCommitHandler<DomainEvent>>[]>();
  private readonly pending = new WeakMap<QueryRunner, Pending>();

  constructor(
    dataSource: DataSource,
    private readonly discovery: DiscoveryService,
  ) {
    // Transaction events of every query runner (DI subscriber: not listed in `subscribers`).
    dataSource.subscribers.push(this);
  }

  /** Registers every provider's declared handler methods. */
  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders()) {
      const instance: unknown = wrapper.instance;
      if (!instance || typeof instance !== 'object') continue;
      const owner = instance.constructor as Declaring & { name: string };
      for (const { type, phase, method } of owner[DECLARED] ?? []) {
        const name = `${owner.name}.${method}`;
        const run = (instance as Record<string, (...args: never[]) => unknown>)[method].bind(
          instance,
        );
        if (phase === 'inTransaction')
          this.add(this.inTransaction, type, name, run as InTransactionHandler<DomainEvent>);
        else this.add(this.afterCommit, type, name, run as AfterCommitHandler<DomainEvent>);
      }
    }
  }

  /** Registers a handler by hand (tests observing events); application code declares methods. */
  onInTransaction<E extends DomainEvent>(
    type: EventClass<E>,
    handler: InTransactionHandler<E>,
    name = 'a registered handler',
  ): void {
    this.add(this.inTransaction, type, name, handler as InTransactionHandler<DomainEvent>);
  }

  /** Registers a handler by hand (tests observing events); application code declares methods. */
  onAfterCommit<E extends DomainEvent>(
    type: EventClass<E>,
    handler: AfterCommitHandler<E>,
    name = 'a registered handler',
  ): void {
    this.add(this.afterCommit, type, name, handler as AfterCommitHandler<DomainEvent>);
  }

  private add<H>(
    handlers: Map<unknown, Registered<H>[]>,
    type: unknown,
    name: string,
    run: H,
  ): void {
    handlers.set(type, [...(handlers.get(type) ?? []), { name, run }]);
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
        await handler.run(next, runner.manager);
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
    const results = await Promise.allSettled(handlers.map(async (handler) => handler.run(event)));
    results.forEach((result, i) => {
      if (result.status === 'rejected') {
        this.logger.error(
          { err: result.reason as unknown },
          `${handlers[i].name}, after the commit of ${event.constructor.name}, failed`,
        );
      }
    });
  }
}

function isOutermost(runner: QueryRunner): boolean {
  return (runner as unknown as { transactionDepth: number }).transactionDepth <= 1;
}
