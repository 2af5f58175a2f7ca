/** Latency summaries and a bounded-concurrency loop. No timing assertions anywhere. */

export interface Summary {
  count: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}

export function summarise(latenciesMs: number[], seconds: number, errors = 0): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors,
    seconds: round(seconds, 2),
    perSecond: round(sorted.length / seconds, 1),
    p50: round(percentile(sorted, 50), 1),
    p95: round(percentile(sorted, 95), 1),
    p99: round(percentile(sorted, 99), 1),
    max: round(sorted[sorted.length - 1] ?? Number.NaN, 1),
  };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Runs `total` operations, at most `concurrency` at a time, and times each one.
 * An operation that throws counts as an error (its latency is not kept); the
 * first few errors are printed so a broken run says why. With a budget, no
 * operation starts after it has run out (slow reads stop early; the count says how many ran).
 */
export async function runBounded(total: number, concurrency: number, op: (i: number) => Promise<void>, onProgress?: (done: number) => void, budgetMs = Infinity): Promise<Summary> {
  const run = await runBoundedRaw(total, concurrency, op, onProgress, budgetMs);
  return summarise(run.latencies, run.seconds, run.errors);
}

/** What runBounded measured, before summarising: rounds of it can be pooled with {@link pool}. */
export interface RawRun {
  latencies: number[];
  seconds: number;
  errors: number;
}

/** Several runs as one: every latency, the time and errors added up. */
export function pool(runs: RawRun[]): Summary {
  return summarise(
    runs.flatMap((run) => run.latencies),
    runs.reduce((sum, run) => sum + run.seconds, 0),
    runs.reduce((sum, run) => sum + run.errors, 0),
  );
}

export async function runBoundedRaw(total: number, concurrency: number, op: (i: number) => Promise<void>, onProgress?: (done: number) => void, budgetMs = Infinity): Promise<RawRun> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  let done = 0;
  const started = performance.now();
  const lane = async (): Promise<void> => {
    for (;;) {
      const i = next;
      next += 1;
      if (i >= total || performance.now() - started > budgetMs) return;
      const t0 = performance.now();
      try {
        await op(i);
        latencies.push(performance.now() - t0);
      } catch (error) {
        errors += 1;
        if (errors <= 3) console.error(`  operation ${i} failed: ${(error as Error).message}`);
      }
      done += 1;
      onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, total) }, lane));
  return { latencies, seconds: (performance.now() - started) / 1000, errors };
}

export function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  return fn().then((value) => ({ ms: performance.now() - t0, value }));
}
