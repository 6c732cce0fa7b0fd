/** Small pure helpers shared by the benchmarks: rounding and latency percentiles for the JSON line. */

export const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

export const mb = (bytes: number): number => round(bytes / 2 ** 20, 1);

/** The value below which `p` percent of the samples fall (nearest rank); NaN for no samples. */
function percentile(sortedAscending: readonly number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length - 1, Math.max(0, rank - 1))];
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** p50/p95/p99/max of latencies in milliseconds, rounded to 0.1 ms. */
export function summariseLatencies(samplesMs: readonly number[]): LatencySummary {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 50), 1),
    p95: round(percentile(sorted, 95), 1),
    p99: round(percentile(sorted, 99), 1),
    max: round(sorted.at(-1) ?? Number.NaN, 1),
  };
}

/** Progress lines go to stderr, so stdout carries only the JSON result. */
export function benchLogger(name: string): (message: string) => void {
  return (message) => process.stderr.write(`[bench:${name}] ${message}\n`);
}

/** Runs a benchmark's main and exits: 0 when it printed its line, 1 with the stack when it threw. */
export function runBench(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
