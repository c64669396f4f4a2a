import { readFileSync } from 'node:fs';
import { rssMb } from '../lib/processes.js';
import type { Report } from '../lib/report.js';
import { median } from '../lib/stats.js';

export interface MemorySample {
  /** Seconds since the workload started. */
  t: number;
  mb: number;
}

/** Samples a process's resident memory every `everyMs` until stopped. */
export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;

  constructor(
    private readonly pid: number,
    private readonly everyMs = 2_000,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    const mb = rssMb(this.pid);
    if (Number.isFinite(mb))
      this.samples.push({ t: (performance.now() - this.startedAt) / 1000, mb });
  }
}

/**
 * The live heap after each full garbage collection, from the app's `--trace-gc` output
 * (`[pid:isolate]  12345 ms: Mark-Compact 95.1 (110.2) -> 61.3 (104.0) MB, …`): what a leak
 * grows, unlike RSS, which also swings with how far the heap has filled since the last one.
 * `offsetMs` is the app's time (since start) at which the workload began.
 */
export function majorGcSamples(log: string, offsetMs: number): MemorySample[] {
  const samples: MemorySample[] = [];
  for (const match of log.matchAll(
    /(\d+) ms: Mark-(?:Compact|sweep)[^\d]*[\d.]+ \([\d.]+\) -> ([\d.]+) \(/g,
  ))
    samples.push({ t: (Number(match[1]) - offsetMs) / 1000, mb: Number(match[2]) });
  return samples.filter((s) => s.t >= 0);
}

/**
 * The lowest RSS of the trailing `windowS` at every sample: where memory came back down to. A
 * collected heap is a sawtooth whose tops depend on when the run happens to end; its floor is
 * level unless something is kept.
 */
export function floorOf(samples: readonly MemorySample[], windowS: number): MemorySample[] {
  return samples.map((s) => ({
    t: s.t,
    mb: Math.min(...samples.filter((o) => o.t <= s.t && o.t >= s.t - windowS).map((o) => o.mb)),
  }));
}

export interface Trend {
  /** Points considered: those after the warm-up. */
  points: number;
  firstQuarterMedianMb: number;
  lastQuarterMedianMb: number;
  growthPct: number;
  /** Least-squares slope over the last half of the considered points. */
  lastHalfSlopeMbPerMin: number;
}

/** Least-squares slope of `y` over `x`; 0 with fewer than two points. */
export function slope(points: ReadonlyArray<{ x: number; y: number }>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/**
 * The trend of a memory series after `warmupS` (start-up and the first minute of load grow the
 * heap to its working size): the last quarter's median against the first quarter's, and the
 * slope fitted over the last half. A leak shows in both; a plateau in neither.
 */
export function trendOf(samples: readonly MemorySample[], warmupS: number): Trend {
  const considered = samples.filter((s) => s.t >= warmupS);
  const quarter = Math.max(1, Math.floor(considered.length / 4));
  const first = median(considered.slice(0, quarter).map((s) => s.mb));
  const last = median(considered.slice(-quarter).map((s) => s.mb));
  const half = considered.slice(Math.floor(considered.length / 2));
  return {
    points: considered.length,
    firstQuarterMedianMb: first,
    lastQuarterMedianMb: last,
    growthPct: ((last - first) / first) * 100,
    lastHalfSlopeMbPerMin: slope(half.map((s) => ({ x: s.t / 60, y: s.mb }))),
  };
}

/** Whether a trend stays within the thresholds. */
export const isFlat = (trend: Trend, maxGrowthPct: number, maxSlopeMbPerMin: number): boolean =>
  trend.growthPct <= maxGrowthPct && trend.lastHalfSlopeMbPerMin <= maxSlopeMbPerMin;

/** The samples thinned to about `points` evenly spaced ones, for the report. */
export function thin(samples: readonly MemorySample[], points: number): MemorySample[] {
  if (samples.length <= points) return [...samples];
  const step = (samples.length - 1) / (points - 1);
  return Array.from({ length: points }, (_, i) => samples[Math.round(i * step)]);
}

const sign = (pct: number): string => `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)} %`;
const describe = (t: Trend): string =>
  `${sign(t.growthPct)} last vs first quarter, ${t.lastHalfSlopeMbPerMin.toFixed(2)} MB/min over the last half`;

/**
 * Memory is flat when both hold after the warm-up: the RSS floor (the lowest RSS of the trailing
 * minute) and the live heap after full collections (`--trace-gc`) grow by at most
 * `--max-growth` from the first to the last quarter and trend by at most `--max-slope` over the
 * last half. Raw RSS swings with the heap's sawtooth (tens of MB between two full collections),
 * so its quarter medians and slope are reported, not judged: a run that ends just before a
 * collection would otherwise "leak".
 */
export function memoryChecks(
  report: Report,
  limits: { maxGrowthPct: number; maxSlopeMbPerMin: number },
  run: {
    rss: MemorySample[];
    /** The app's log, with its `--trace-gc` lines. */
    appLog: string;
    /** The app's time (since its start) at which the workload began. */
    offsetMs: number;
    seconds: number;
    idleRssMb: number;
  },
): void {
  const { rss, seconds } = run;
  const warmupS = Math.min(60, seconds * 0.2);
  const windowS = Math.min(60, seconds / 4);
  const raw = trendOf(rss, warmupS);
  const floor = trendOf(floorOf(rss, windowS), warmupS);
  const gcs = majorGcSamples(readFileSync(run.appLog, 'utf8'), run.offsetMs);
  const heap = trendOf(gcs, warmupS);
  report.data.rss = rss;
  report.data.majorGcs = gcs;
  report.data.memory = { warmupS, windowS, raw, floor, heap };
  const { maxGrowthPct: growth, maxSlopeMbPerMin: slope } = limits;
  report.add({
    key: 'rss_quarters',
    figure: `RSS median, last vs first quarter (after ${warmupS.toFixed(0)} s warm-up)`,
    value: raw.lastQuarterMedianMb,
    unit: 'MB',
    baseline: raw.firstQuarterMedianMb,
    baselineWhat: 'first quarter',
    detail: `trend over the last half ${raw.lastHalfSlopeMbPerMin.toFixed(2)} MB/min`,
  });
  report.add({
    key: 'rss_floor',
    figure: `RSS floor (lowest of the trailing ${windowS.toFixed(0)} s), last vs first quarter`,
    value: floor.lastQuarterMedianMb,
    unit: 'MB',
    baseline: floor.firstQuarterMedianMb,
    baselineWhat: 'first quarter',
    detail: `trend over the last half ${floor.lastHalfSlopeMbPerMin.toFixed(2)} MB/min`,
    target: `≤ +${growth} %, ≤ ${slope} MB/min`,
    met: isFlat(floor, growth, slope),
  });
  report.add({
    key: 'heap_after_gc',
    figure: `live heap after full GCs, last vs first quarter (${heap.points} GCs after the warm-up)`,
    value: heap.lastQuarterMedianMb,
    unit: 'MB',
    baseline: heap.firstQuarterMedianMb,
    baselineWhat: 'first quarter',
    detail: `trend over the last half ${heap.lastHalfSlopeMbPerMin.toFixed(2)} MB/min`,
    target: `≤ +${growth} %, ≤ ${slope} MB/min`,
    met: heap.points >= 4 ? isFlat(heap, growth, slope) : undefined,
  });
  report.add({
    key: 'rss_peak',
    figure: 'RSS peak',
    value: Math.max(...rss.map((r) => r.mb)),
    unit: 'MB',
    baseline: run.idleRssMb,
    baselineWhat: 'idle before the load',
  });
  report.check(
    `memory flat: RSS floor ${describe(floor)}; live heap after full GCs ${describe(heap)} (limits +${growth} %, ${slope} MB/min)`,
    floor.points >= 8 &&
      heap.points >= 4 &&
      isFlat(floor, growth, slope) &&
      isFlat(heap, growth, slope),
    floor.points < 8 || heap.points < 4
      ? `too little to judge (${floor.points} RSS samples, ${heap.points} full GCs after the warm-up): run longer`
      : '',
  );
}
