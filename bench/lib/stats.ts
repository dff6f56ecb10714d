// Latency summaries. Percentiles use the nearest-rank method on the sorted samples: with 200
// samples p99 is the 198th value, never an interpolation between two observed latencies.

export interface LatencySummary {
  /** Successful samples (the percentiles are computed over them). */
  count: number;
  errors: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** Successful requests per second of wall time spent on this side. */
  rps: number;
  wallMs: number;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

const round = (value: number, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);

export function summarize(samplesMs: readonly number[], errors: number, wallMs: number): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const sum = sorted.reduce((a, b) => a + b, 0);
  return {
    count: sorted.length,
    errors,
    p50: round(percentile(sorted, 50)),
    p90: round(percentile(sorted, 90)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted.at(-1) ?? Number.NaN),
    mean: round(sorted.length > 0 ? sum / sorted.length : Number.NaN),
    rps: round(wallMs > 0 ? (sorted.length * 1000) / wallMs : Number.NaN, 1),
    wallMs: round(wallMs, 0),
  };
}

export function ratio(ours: number, raw: number): number {
  return round(raw > 0 ? ours / raw : Number.NaN);
}
