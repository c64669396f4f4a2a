import autocannon, { type Request } from 'autocannon';
import { percentiles } from './stats.js';

/** One autocannon run, summarized. Latencies are every response's, not autocannon's buckets. */
export interface LoadResult {
  label: string;
  connections: number;
  durationS: number;
  requests: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodes: Record<string, number>;
  /** The spec's `expectStatus`, if any. */
  expectStatus?: number;
}

export interface LoadSpec {
  label: string;
  url: string;
  connections: number;
  durationS: number;
  headers?: Record<string, string>;
  /** The one status every answer must have (default: any 2xx), e.g. 304 for revalidations. */
  expectStatus?: number;
  /** Cycled per connection; each needs at least a `path`. */
  requests?: Request[];
}

/** Runs autocannon in this process (the bench runner: a process apart from the server). */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: spec.durationS,
    timeout: 10,
    headers: spec.headers,
    requests: spec.requests,
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, ms: number) => {
    latencies.push(ms);
  });
  const result = await instance;
  const statusCodes: Record<string, number> = {};
  for (const [code, { count }] of Object.entries(result.statusCodeStats))
    statusCodes[code] = Number(count);
  const lat = percentiles(latencies);
  return {
    label: spec.label,
    connections: spec.connections,
    durationS: result.duration,
    requests: latencies.length,
    rps: latencies.length / result.duration,
    ...lat,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes,
    expectStatus: spec.expectStatus,
  };
}

/** Problems of a run that must have answered only 2xx (or only `expectStatus`): empty when it did. */
export function loadProblems(result: LoadResult): string[] {
  const problems: string[] = [];
  if (result.requests === 0) problems.push('no request completed');
  if (result.errors > 0) problems.push(`${result.errors} errors (${result.timeouts} timeouts)`);
  if (result.expectStatus !== undefined) {
    const other = Object.entries(result.statusCodes).filter(
      ([code]) => Number(code) !== result.expectStatus,
    );
    if (other.length > 0)
      problems.push(
        `answers other than ${result.expectStatus}: ${JSON.stringify(result.statusCodes)}`,
      );
  } else if (result.non2xx > 0) {
    problems.push(`${result.non2xx} non-2xx: ${JSON.stringify(result.statusCodes)}`);
  }
  return problems;
}

export interface Alternated {
  app: LoadResult[];
  bare: LoadResult[];
}

/**
 * app, bare, app, bare…: the two targets take turns in the same session, so a noisy neighbour
 * hurts both alike; the report takes the median of each. A short warm-up of each first (JIT).
 */
export async function alternate(
  rounds: number,
  warmupS: number,
  app: (durationS?: number) => Promise<LoadResult>,
  bare: (durationS?: number) => Promise<LoadResult>,
): Promise<Alternated> {
  return alternateSides(rounds, warmupS, { app, bare });
}

/** `alternate` for any number of sides: each round runs every side once, in the order given. */
export async function alternateSides<Side extends string>(
  rounds: number,
  warmupS: number,
  sides: Record<Side, (durationS?: number) => Promise<LoadResult>>,
): Promise<Record<Side, LoadResult[]>> {
  const entries = Object.entries(sides) as Array<
    [Side, (durationS?: number) => Promise<LoadResult>]
  >;
  if (warmupS > 0) for (const [, run] of entries) await run(warmupS);
  const runs = Object.fromEntries(entries.map(([side]) => [side, []])) as unknown as Record<
    Side,
    LoadResult[]
  >;
  for (let round = 0; round < rounds; round += 1)
    for (const [side, run] of entries) runs[side].push(await run());
  return runs;
}
