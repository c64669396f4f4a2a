import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { AfterCommit, DomainEvent, DomainEventBus, InTransaction } from './domain-event-bus.js';

class Placed extends DomainEvent {
  constructor(readonly orderId: string) {
    super();
  }
}

/** Recorded by a handler of Placed, as the notifications module records what it pushes. */
class Announced extends DomainEvent {
  constructor(
    readonly placed: Placed,
    readonly storedId: string,
  ) {
    super();
  }
}

class Handlers {
  readonly seen: string[] = [];
  constructor(private readonly bus: () => DomainEventBus) {}

  @InTransaction(Placed)
  store(event: Placed, manager: EntityManager): Promise<void> {
    this.seen.push(`store ${event.orderId}`);
    this.bus().record(new Announced(event, `n-${event.orderId}`), manager);
    return Promise.resolve();
  }

  @AfterCommit(Announced)
  announce(event: Announced): void {
    this.seen.push(`announce ${event.placed.orderId} as ${event.storedId}`);
  }

  @AfterCommit(Placed)
  failAfterCommit(): Promise<void> {
    this.seen.push('fail');
    return Promise.reject(new Error('socket server gone'));
  }
}

/** A transaction as TypeORM's subscriber hooks see it. */
function transaction(): { runner: QueryRunner; manager: EntityManager } {
  const runner = { isTransactionActive: true, transactionDepth: 1 } as unknown as QueryRunner & {
    manager: EntityManager;
  };
  const manager = { queryRunner: runner } as unknown as EntityManager;
  Object.assign(runner, { manager });
  return { runner, manager };
}

function busWith(handlers: (bus: () => DomainEventBus) => object[]): DomainEventBus {
  const ref: { bus?: DomainEventBus } = {};
  const instances = handlers(() => ref.bus!);
  const discovery = {
    getProviders: () => [{ instance: undefined }, ...instances.map((instance) => ({ instance }))],
  } as unknown as DiscoveryService;
  const bus = new DomainEventBus({ subscribers: [] } as unknown as DataSource, discovery);
  ref.bus = bus;
  bus.onModuleInit();
  return bus;
}

describe('DomainEventBus: handlers declared on methods', () => {
  it('runs in-transaction handlers before COMMIT, then events they recorded, then after-commit handlers, each once', async () => {
    let handlers: Handlers | undefined;
    const bus = busWith((get) => [(handlers = new Handlers(get))]);
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const { runner, manager } = transaction();

    bus.record(new Placed('o1'), manager);
    expect(handlers!.seen).toEqual([]); // recording does no work
    await bus.beforeTransactionCommit({ queryRunner: runner });
    expect(handlers!.seen).toEqual(['store o1']);
    Object.assign(runner, { isTransactionActive: false });
    await bus.afterTransactionCommit({ queryRunner: runner });

    expect(handlers!.seen.sort()).toEqual(['announce o1 as n-o1', 'fail', 'store o1']);
    // A failing after-commit handler is logged by its name and does not reach the caller.
    expect(error).toHaveBeenCalledTimes(1);
    expect(error.mock.calls[0]?.[1]).toBe(
      'Handlers.failAfterCommit, after the commit of Placed, failed',
    );
    error.mockRestore();
  });

  it('drops the events of a rolled-back transaction: no after-commit handler runs', async () => {
    let handlers: Handlers | undefined;
    const bus = busWith((get) => [(handlers = new Handlers(get))]);
    const { runner, manager } = transaction();

    bus.record(new Placed('o2'), manager);
    await bus.beforeTransactionCommit({ queryRunner: runner });
    Object.assign(runner, { isTransactionActive: false });
    bus.afterTransactionRollback({ queryRunner: runner });
    await bus.afterTransactionCommit({ queryRunner: runner });

    expect(handlers!.seen).toEqual(['store o2']);
  });

  it('runs the handler of each provider instance once per event, and refuses recording outside a transaction', async () => {
    let first: Handlers | undefined;
    let second: Handlers | undefined;
    const bus = busWith((get) => [(first = new Handlers(get)), (second = new Handlers(get))]);
    const { runner, manager } = transaction();
    expect(() => bus.record(new Placed('o3'), { queryRunner: undefined } as never)).toThrow(
      'Placed must be recorded inside a transaction',
    );
    bus.record(new Placed('o3'), manager);
    await bus.beforeTransactionCommit({ queryRunner: runner });
    expect(first!.seen).toEqual(['store o3']);
    expect(second!.seen).toEqual(['store o3']);
  });
});
