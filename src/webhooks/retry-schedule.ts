/**
 * pg-boss's backoff (`retryBackoff: true`, dist/plans.js), as a pure function for the docs and
 * tests: the wait before retry `k` (1-based) is
 * `min(max, base · (2^k / 2 + 2^k / 2 · random))`, i.e. "equal jitter" between `base·2^(k−1)`
 * and `base·2^k` seconds.
 */
export function retryDelayBounds(
  retry: number,
  baseSeconds: number,
  maxSeconds: number,
): { min: number; max: number } {
  const half = 2 ** Math.min(16, retry) / 2;
  const base = Math.max(1, baseSeconds);
  return { min: Math.min(maxSeconds, base * half), max: Math.min(maxSeconds, base * 2 * half) };
}

/** Earliest and latest time from the first attempt to the last, for `attempts` in all. */
export function retrySpan(
  attempts: number,
  baseSeconds: number,
  maxSeconds: number,
): { min: number; max: number } {
  let min = 0;
  let max = 0;
  for (let retry = 1; retry < attempts; retry++) {
    const bounds = retryDelayBounds(retry, baseSeconds, maxSeconds);
    min += bounds.min;
    max += bounds.max;
  }
  return { min, max };
}
