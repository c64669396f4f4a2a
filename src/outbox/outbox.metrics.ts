import { Gauge } from 'prom-client';
import type { DataSource } from 'typeorm';
import { metricsRegistry } from '@/observability/metrics.js';

/** Database-derived gauges are read at most this often (every instance reports the same value). */
const CACHE_MS = 5_000;

interface OutboxSample {
  pending: number;
  oldestAgeSeconds: number;
}

let source: DataSource | undefined;
let cached: { at: number; sample: Promise<OutboxSample> } | undefined;

async function read(dataSource: DataSource): Promise<OutboxSample> {
  // One index-only walk of the partial index of undispatched rows; bounded so a scrape never hangs.
  return dataSource.transaction(async (manager) => {
    await manager.query(`SET LOCAL statement_timeout = 1000`);
    const [row] = await manager.query<Array<{ pending: number; age: number | null }>>(
      `SELECT count(*)::int AS pending,
              extract(epoch FROM now() - min(created_at))::float8 AS age
         FROM outbox_events WHERE dispatched_at IS NULL`,
    );
    return { pending: row?.pending ?? 0, oldestAgeSeconds: Math.max(0, row?.age ?? 0) };
  });
}

function sample(): Promise<OutboxSample | undefined> {
  if (!source?.isInitialized) return Promise.resolve(undefined);
  if (!cached || Date.now() - cached.at > CACHE_MS)
    cached = { at: Date.now(), sample: read(source) };
  return cached.sample.catch(() => undefined);
}

new Gauge({
  name: 'outbox_events_pending',
  help: 'Outbox events not yet dispatched (cluster-wide: aggregate with max, not sum)',
  registers: [metricsRegistry],
  async collect() {
    const s = await sample();
    if (s) this.set(s.pending);
  },
});

new Gauge({
  name: 'outbox_oldest_pending_age_seconds',
  help: 'Age of the oldest undispatched outbox event, 0 when none (cluster-wide: use max)',
  registers: [metricsRegistry],
  async collect() {
    const s = await sample();
    if (s) this.set(s.oldestAgeSeconds);
  },
});

/** The data source the gauges read (the app's; the last one started, in a process with several). */
export function observeOutbox(dataSource: DataSource): () => void {
  source = dataSource;
  cached = undefined;
  return () => {
    if (source === dataSource) source = undefined;
  };
}
