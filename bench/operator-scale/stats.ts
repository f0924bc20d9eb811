// Small statistics for the report: nearest-rank percentiles and per-resource ratios.

/** The nearest-rank percentile (fraction in 0..1) of the values; NaN when there are none. */
export function percentile(values: readonly number[], fraction: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

/** Each count divided by `per`, keeping the keys; a zero or negative divisor gives NaN. */
export function perUnit(counts: ReadonlyMap<string, number>, per: number): Map<string, number> {
  return new Map([...counts].map(([key, value]) => [key, per > 0 ? value / per : Number.NaN]));
}

export function total(counts: ReadonlyMap<string, number>): number {
  let sum = 0;
  for (const value of counts.values()) sum += value;
  return sum;
}
