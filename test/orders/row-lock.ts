import type { TestApp } from '../support/test-app.js';

/** A row lock a test holds, to make requests queue behind it in a known interleaving. */
export interface HeldLock {
  /** How many backends wait on this lock now, directly or behind another waiter. */
  waiters(): Promise<number>;
  /** Resolves once `count` backends wait on this lock, directly or behind another waiter. */
  waitForWaiters(count: number): Promise<void>;
  /** Commits the lock's transaction (it changed nothing): the queued requests go on. */
  release(): Promise<void>;
}

/**
 * Takes `SELECT … FOR UPDATE` locks in a transaction of its own and holds them until
 * `release()`. Requests that need the rows wait on it; `waitForWaiters` tells when they do, so
 * a test can let them go at the moment it chooses rather than hoping a race lands one way.
 */
export async function holdRowLock(t: TestApp, sql: string, params: unknown[]): Promise<HeldLock> {
  const runner = t.dataSource.createQueryRunner();
  await runner.connect();
  let pid: number;
  try {
    await runner.startTransaction();
    const rows = (await runner.query('SELECT pg_backend_pid() AS pid')) as Array<{ pid: number }>;
    pid = rows[0]?.pid ?? 0;
    await runner.query(sql, params);
  } catch (error) {
    await runner.release();
    throw error;
  }

  // Asked on the lock's own connection, so it works while the app's pool is exhausted by the
  // requests queued on the lock. pg_stat_activity is snapshotted once per transaction: cleared
  // first, so each call sees the backends as they are now.
  const waiters = async (): Promise<number> => {
    await runner.query('SELECT pg_stat_clear_snapshot()');
    const [row] = (await runner.query(
      `WITH RECURSIVE waiting(pid) AS (
         SELECT pid FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))
         UNION
         SELECT a.pid FROM pg_stat_activity a JOIN waiting w ON w.pid = ANY(pg_blocking_pids(a.pid))
       ) SELECT count(*)::int AS n FROM waiting`,
      [pid],
    )) as Array<{ n: number }>;
    return row?.n ?? 0;
  };

  return {
    waiters,
    async waitForWaiters(count) {
      const deadline = Date.now() + 10_000;
      while ((await waiters()) < count) {
        if (Date.now() > deadline)
          throw new Error(`fewer than ${count} requests queued on the lock`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async release() {
      if (runner.isReleased) return;
      try {
        if (runner.isTransactionActive) await runner.commitTransaction();
      } finally {
        await runner.release();
      }
    },
  };
}

/**
 * Starts `requests` while `lock` is held, lets go once `queued` backends wait on it, and answers
 * their results in order. Every request is awaited, also when they never queue (then it throws).
 */
export async function releaseWhenQueued<T>(
  lock: HeldLock,
  queued: number,
  requests: () => Array<Promise<T>>,
): Promise<T[]> {
  const pending = requests();
  let failure: Error | undefined;
  try {
    await lock.waitForWaiters(queued);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  }
  await lock.release();
  const settled = await Promise.allSettled(pending);
  if (failure) throw failure;
  return settled.map((s) => {
    if (s.status === 'rejected')
      throw s.reason instanceof Error ? s.reason : new Error(String(s.reason));
    return s.value;
  });
}
