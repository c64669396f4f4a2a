import { Counter, Gauge, Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import { metricsRegistry } from '@/observability/metrics.js';
import { DELIVERY_RESULTS, type DeliveryResult } from './webhook-http.js';

export const deliveryAttempts = new Counter({
  name: 'webhook_delivery_attempts_total',
  help: 'Webhook delivery attempts by this instance, by result',
  labelNames: ['result'] as const,
  registers: [metricsRegistry],
});
for (const result of DELIVERY_RESULTS) deliveryAttempts.inc({ result }, 0);

export const deliveryDuration = new Histogram({
  name: 'webhook_delivery_duration_seconds',
  help: 'Duration of webhook delivery attempts, by result',
  labelNames: ['result'] as const,
  buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
  registers: [metricsRegistry],
});

export const deliveriesDead = new Counter({
  name: 'webhook_deliveries_dead_total',
  help: 'Webhook deliveries that spent every attempt',
  registers: [metricsRegistry],
});

export const endpointsDisabled = new Counter({
  name: 'webhook_endpoints_disabled_total',
  help: 'Webhook endpoints disabled automatically, by reason (failing, gone)',
  labelNames: ['reason'] as const,
  registers: [metricsRegistry],
});

export function recordAttempt(result: DeliveryResult, durationMs: number): void {
  deliveryAttempts.inc({ result });
  deliveryDuration.observe({ result }, durationMs / 1000);
}

/** Database-derived gauges are read at most this often (every instance reports the same value). */
const CACHE_MS = 5_000;

interface OpenSample {
  pending: number;
  retrying: number;
  oldestAgeSeconds: number;
}

let source: DataSource | undefined;
let cached: { at: number; sample: Promise<OpenSample> } | undefined;

async function read(dataSource: DataSource): Promise<OpenSample> {
  return dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL statement_timeout = 1000`);
    const [row] = await manager.query<
      Array<{ pending: number; retrying: number; age: number | null }>
    >(
      `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
              count(*) FILTER (WHERE status = 'retrying')::int AS retrying,
              extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM webhook_deliveries WHERE status IN ('pending', 'retrying')`,
    );
    return {
      pending: row?.pending ?? 0,
      retrying: row?.retrying ?? 0,
      oldestAgeSeconds: Math.max(0, row?.age ?? 0),
    };
  });
}

function sample(): Promise<OpenSample | undefined> {
  if (!source?.isInitialized) return Promise.resolve(undefined);
  if (!cached || Date.now() - cached.at > CACHE_MS)
    cached = { at: Date.now(), sample: read(source) };
  return cached.sample.catch(() => undefined);
}

new Gauge({
  name: 'webhook_deliveries_open',
  help: 'Webhook deliveries not finished, by status (cluster-wide: aggregate with max)',
  labelNames: ['status'] as const,
  registers: [metricsRegistry],
  async collect() {
    const s = await sample();
    if (!s) return;
    this.set({ status: 'pending' }, s.pending);
    this.set({ status: 'retrying' }, s.retrying);
  },
});

new Gauge({
  name: 'webhook_oldest_open_delivery_age_seconds',
  help: 'Age of the oldest unfinished webhook delivery, 0 when none (cluster-wide: use max)',
  registers: [metricsRegistry],
  async collect() {
    const s = await sample();
    if (s) this.set(s.oldestAgeSeconds);
  },
});

/** The data source the gauges read (the app's; the last one started, in a process with several). */
export function observeWebhooks(dataSource: DataSource): () => void {
  source = dataSource;
  cached = undefined;
  return () => {
    if (source === dataSource) source = undefined;
  };
}
