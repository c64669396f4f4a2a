import { type HttpResponse, request, type RequestOptions } from '../lib/http.js';
import { percentiles } from '../lib/stats.js';

/**
 * How an answer counts. `stock`: a 409 INSUFFICIENT_STOCK of a cart add or a checkout (buyers
 * race for the few units of the hot products). `race`: a status change refused because another
 * actor changed the order first (409 ORDER_CHANGED / ILLEGAL_ORDER_TRANSITION /
 * ORDER_ALREADY_IN_STATUS, or a customer's 403 on an order staff moved on meanwhile).
 * Anything else that is not the expected 2xx is `unexpected` and fails the run.
 */
export type Outcome = 'ok' | 'stock' | 'race' | 'unexpected';

export const RACE_CODES = new Set([
  'ORDER_CHANGED',
  'ILLEGAL_ORDER_TRANSITION',
  'ORDER_ALREADY_IN_STATUS',
]);

interface OperationStats {
  latencies: number[];
  outcomes: Record<Outcome, number>;
  statuses: Map<string, number>;
}

export interface Answer extends HttpResponse {
  outcome: Outcome;
  json: unknown;
  ms: number;
  sentAt: number;
  answeredAt: number;
}

/** What an operation's answer means: `ok`, an expected refusal, or unexpected. */
export type Classifier = (res: { status: number; code: string | undefined }) => Outcome;

export const okOnly =
  (...statuses: number[]): Classifier =>
  ({ status }) =>
    statuses.includes(status) ? 'ok' : 'unexpected';

export const stockConflicts =
  (...statuses: number[]): Classifier =>
  ({ status, code }) =>
    statuses.includes(status)
      ? 'ok'
      : status === 409 && code === 'INSUFFICIENT_STOCK'
        ? 'stock'
        : 'unexpected';

export const statusRaces =
  (...statuses: number[]): Classifier =>
  ({ status, code }) =>
    statuses.includes(status)
      ? 'ok'
      : (status === 409 && code !== undefined && RACE_CODES.has(code)) ||
          (status === 403 && code === 'FORBIDDEN')
        ? 'race'
        : 'unexpected';

/** Every request of the workload goes through here: timed, classified, counted per operation. */
export class Traffic {
  private readonly operations = new Map<string, OperationStats>();
  readonly unexpected: string[] = [];
  private unexpectedCount = 0;

  constructor(private readonly baseUrl: string) {}

  async send(
    operation: string,
    method: string,
    path: string,
    classify: Classifier,
    options: RequestOptions = {},
  ): Promise<Answer> {
    const sentAt = performance.now();
    let res: HttpResponse;
    try {
      res = await request(this.baseUrl, method, path, { timeoutMs: 15_000, ...options });
    } catch (error) {
      res = { status: 0, headers: {}, body: (error as Error).message };
    }
    const answeredAt = performance.now();
    let json: unknown;
    try {
      json = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      json = undefined;
    }
    const code = (json as { code?: unknown } | undefined)?.code;
    const outcome =
      res.status === 0
        ? 'unexpected'
        : classify({ status: res.status, code: typeof code === 'string' ? code : undefined });
    this.count(
      operation,
      res.status,
      typeof code === 'string' ? code : undefined,
      outcome,
      answeredAt - sentAt,
    );
    if (outcome === 'unexpected') {
      this.unexpectedCount += 1;
      if (this.unexpected.length < 20)
        this.unexpected.push(
          `${operation} ${method} ${path} → ${res.status} ${res.body.slice(0, 200)}`,
        );
    }
    return { ...res, outcome, json, ms: answeredAt - sentAt, sentAt, answeredAt };
  }

  /** A failure that is not an HTTP answer (a socket that could not connect, a broken promise). */
  fail(operation: string, detail: string): void {
    this.count(operation, 0, undefined, 'unexpected', 0);
    this.unexpectedCount += 1;
    if (this.unexpected.length < 20) this.unexpected.push(`${operation}: ${detail}`);
  }

  private count(
    operation: string,
    status: number,
    code: string | undefined,
    outcome: Outcome,
    ms: number,
  ): void {
    let stats = this.operations.get(operation);
    if (!stats) {
      stats = {
        latencies: [],
        outcomes: { ok: 0, stock: 0, race: 0, unexpected: 0 },
        statuses: new Map(),
      };
      this.operations.set(operation, stats);
    }
    if (ms > 0) stats.latencies.push(ms);
    stats.outcomes[outcome] += 1;
    const key = code ? `${status} ${code}` : String(status);
    stats.statuses.set(key, (stats.statuses.get(key) ?? 0) + 1);
  }

  totals(): Record<Outcome, number> & { requests: number } {
    const sum = { ok: 0, stock: 0, race: 0, unexpected: 0, requests: 0 };
    for (const { outcomes } of this.operations.values()) {
      for (const key of ['ok', 'stock', 'race', 'unexpected'] as const) {
        sum[key] += outcomes[key];
        sum.requests += outcomes[key];
      }
    }
    sum.unexpected = this.unexpectedCount;
    return sum;
  }

  /** One Markdown table row per operation. */
  table(): string[] {
    const rows = [
      '| operation | requests | ok | stock 409 | race | unexpected | p50 ms | p95 ms | p99 ms | answers |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ];
    for (const [name, s] of [...this.operations.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      const p = percentiles(s.latencies);
      const total = s.outcomes.ok + s.outcomes.stock + s.outcomes.race + s.outcomes.unexpected;
      const answers = [...s.statuses.entries()]
        .sort(([, a], [, b]) => b - a)
        .map(([k, n]) => `${k}: ${n}`)
        .join(', ');
      rows.push(
        `| ${name} | ${total} | ${s.outcomes.ok} | ${s.outcomes.stock} | ${s.outcomes.race} | ${s.outcomes.unexpected} | ${p.p50.toFixed(1)} | ${p.p95.toFixed(1)} | ${p.p99.toFixed(1)} | ${answers} |`,
      );
    }
    return rows;
  }
}
