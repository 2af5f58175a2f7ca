// The bench's own arithmetic and options, without servers and without timing anything.
import { describe, expect, it } from 'vitest';
import { percentile, pool, runBounded, summarise } from '../../bench/lib/stats';
import { parseOptions, sizesFor } from '../../bench/run';
import { evaluateTargets } from '../../bench/report';

describe('bench code', () => {
  it('percentiles are nearest-rank', () => {
    const sorted = Array.from({ length: 100 }, (_, i) => i + 1);
    expect([percentile(sorted, 50), percentile(sorted, 99), percentile(sorted, 100)]).toEqual([50, 99, 100]);
    expect(summarise([3, 1, 2], 1)).toMatchObject({ count: 3, p50: 2, max: 3, perSecond: 3 });
  });

  it('pooled rounds count every latency once and divide by the rounds’ time together', () => {
    const pooled = pool([
      { latencies: [10, 30], seconds: 1, errors: 0 },
      { latencies: [20, 40, 50, 60], seconds: 2, errors: 1 },
    ]);
    expect(pooled).toMatchObject({ count: 6, errors: 1, seconds: 3, perSecond: 2, p50: 30, max: 60 });
  });

  it('runs every operation once, at most `concurrency` at a time, and counts failures', async () => {
    let running = 0;
    let peak = 0;
    const seen: number[] = [];
    const result = await runBounded(20, 4, async (i) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running -= 1;
      seen.push(i);
      if (i === 7) throw new Error('boom');
    });
    expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(peak).toBeLessThanOrEqual(4);
    expect([result.count, result.errors]).toEqual([19, 1]);
  });

  it('--quick shrinks every size; --cases and --reads override', () => {
    const quick = sizesFor(parseOptions(['--quick']));
    const full = sizesFor(parseOptions([]));
    expect(quick.escalation).toBeLessThan(full.escalation);
    expect(quick.reads.stored).toBeLessThan(full.reads.stored);
    expect(Math.max(...Object.values(quick.intake))).toBeLessThan(Math.max(...Object.values(full.intake)));
    expect(sizesFor(parseOptions(['--cases', '300', '--reads', '50'])).escalation).toBe(300);
    expect(() => parseOptions(['--only', 'nonsense'])).toThrow(/unknown scenario/);
    expect(quick.scale.stored).toEqual([500, 2000]);
    expect(full.scale.stored).toEqual([10_000, 100_000]);
    expect(parseOptions(['--scale', '300, 3000']).scale).toEqual([300, 3000]);
    expect(() => parseOptions(['--scale', '10000,lots'])).toThrow(/--scale must be a positive integer/);
  });

  it('a run without figures meets no target and misses none', () => {
    const checks = evaluateTargets({ failures: [] } as never);
    expect(checks.map((c) => c.met)).toEqual([null, null, null, null, null, null, null]);
  });
});
