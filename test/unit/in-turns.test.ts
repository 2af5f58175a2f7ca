import { describe, expect, it } from 'vitest';
import { inTurns, latestOnly } from '../../src/db/in-turns';

describe('inTurns', () => {
  it('hands the calls waiting at a turn’s start to one run, each caller getting its own result', async () => {
    const turns: number[][] = [];
    const double = inTurns(async (items: number[]) => {
      turns.push(items);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return items.map((n) => n * 2);
    });
    const first = double(1); // starts a turn alone
    const rest = [2, 3, 4].map((n) => double(n)); // wait for it, then go together
    expect(await Promise.all([first, ...rest])).toEqual([2, 4, 6, 8]);
    expect(turns).toEqual([[1], [2, 3, 4]]);
  });

  it('rejects every call of a failed turn, and serves later calls', async () => {
    let fail = true;
    const run = inTurns(async (items: string[]) => {
      if (fail) throw new Error('database away');
      return items.map((s) => s.toUpperCase());
    });
    const failed = [run('a'), run('b')].map((p) => p.catch((e: Error) => e.message));
    expect(await Promise.all(failed)).toEqual(['database away', 'database away']);
    fail = false;
    expect(await run('c')).toBe('C');
  });

  it('caps a turn at maxPerTurn calls', async () => {
    const sizes: number[] = [];
    const run = inTurns(async (items: number[]) => {
      sizes.push(items.length);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => run(n)));
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });
});

describe('latestOnly', () => {
  it('writes one value at a time, and of the values given meanwhile only the newest', async () => {
    const written: number[] = [];
    let inFlight = 0;
    let peak = 0;
    const hint = latestOnly(async (value: number) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      written.push(value);
      inFlight -= 1;
    });
    hint(1); // written at once
    hint(2); // replaced by 3 before its turn
    hint(3);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(written).toEqual([1, 3]);
    expect(peak).toBe(1);
  });

  it('goes on after a failed write', async () => {
    const written: number[] = [];
    const hint = latestOnly(async (value: number) => {
      if (value === 1) throw new Error('database away');
      written.push(value);
    });
    hint(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    hint(2);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(written).toEqual([2]);
  });
});
