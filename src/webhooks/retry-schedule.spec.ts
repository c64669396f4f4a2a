import { describe, expect, it } from '@jest/globals';
import { loadConfig } from '@/config/app-config.js';
import { jobQueues, QUEUES } from '@/jobs/job-queues.js';
import { retryDelayBounds, retrySpan } from './retry-schedule.js';

describe('webhook retry schedule', () => {
  const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) });
  const queue = jobQueues(config).find((q) => q.name === QUEUES.webhookDeliver)!;

  it('retries on the webhook queue with backoff and a dead letter', () => {
    expect(queue).toMatchObject({
      policy: 'exclusive',
      retryBackoff: true,
      retryLimit: 24,
      retryDelay: 4,
      retryDelayMax: 6 * 3600,
      deadLetter: QUEUES.webhookDeliverDead,
    });
  });

  it('makes the first retry 4–8 s after the failure (within 10 s with a 1 s poll)', () => {
    const first = retryDelayBounds(1, queue.retryDelay!, queue.retryDelayMax!);
    expect(first).toEqual({ min: 4, max: 8 });
    expect(first.max + config.jobs.pollIntervalSeconds).toBeLessThanOrEqual(10);
    expect(retryDelayBounds(2, 4, 21_600)).toEqual({ min: 8, max: 16 });
  });

  it('gives up after about three days, never waiting more than six hours', () => {
    const span = retrySpan(queue.retryLimit! + 1, queue.retryDelay!, queue.retryDelayMax!);
    expect(span.min / 86_400).toBeGreaterThan(2.5);
    expect(span.max / 86_400).toBeLessThan(3.5);
    expect(retryDelayBounds(20, 4, 21_600)).toEqual({ min: 21_600, max: 21_600 });
  });
});
