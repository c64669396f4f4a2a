/** Small statistics helpers: percentiles of raw samples, medians of repeated runs. */

/** The `p`-th percentile (0–100) of `values` by nearest rank; NaN when there are none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentiles(values: readonly number[]): Percentiles {
  if (values.length === 0) return { p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(values).sort();
  const at = (p: number): number =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { p50: at(50), p95: at(95), p99: at(99), max: sorted[sorted.length - 1] };
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** `value / baseline`, or NaN when either is missing. */
export function ratio(value: number, baseline: number): number {
  return Number.isFinite(value) && Number.isFinite(baseline) && baseline !== 0
    ? value / baseline
    : Number.NaN;
}

export const round = (value: number, digits = 1): number =>
  Number.isFinite(value) ? Number(value.toFixed(digits)) : value;

export function fmt(value: number, unit = '', digits = 1): string {
  if (!Number.isFinite(value)) return '—';
  const text =
    Math.abs(value) >= 1000
      ? Math.round(value).toLocaleString('en')
      : value.toFixed(Math.abs(value) >= 100 ? 0 : digits);
  return unit ? `${text} ${unit}` : text;
}
