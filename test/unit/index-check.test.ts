import { describe, expect, it } from 'vitest';
import { servedBy, shapesOf } from '../helpers/index-check';

describe('the index check', () => {
  const shape = (filter: Record<string, unknown>, sort: Record<string, 1 | -1> | null = null) => shapesOf(filter, sort);

  it('takes each $or branch as its own shape', () => {
    const shapes = shape({ $and: [{ $or: [{ seenBy: { $in: ['a'] } }, { phone: 'x' }] }, { stage: 'intake' }] }, { receivedAt: -1 });
    expect(shapes.map((s) => s.equality)).toEqual([
      ['seenBy', 'stage'],
      ['phone', 'stage'],
    ]);
  });

  it('needs the equality fields first, then the sort in its directions or all reversed', () => {
    const [list] = shape({ seenBy: { $in: ['a'] }, stage: 'x' }, { receivedAt: -1, _id: 1 });
    expect(servedBy(list!, { seenBy: 1, receivedAt: -1, _id: 1 })).toBe(true);
    expect(servedBy(list!, { seenBy: 1, receivedAt: 1, _id: -1 })).toBe(true);
    expect(servedBy(list!, { seenBy: 1, receivedAt: 1, _id: 1 })).toBe(false);
    expect(servedBy(list!, { receivedAt: -1, seenBy: 1 })).toBe(false);
    expect(servedBy(list!, { title: 1, receivedAt: -1, _id: 1 })).toBe(false);
  });

  it('refuses a count that only a collection scan answers, and accepts a range at an index’s start', () => {
    const [byText] = shape({ title: { $regex: 'x' } });
    expect(servedBy(byText!, { receivedAt: -1 })).toBe(false);
    const [period] = shape({ receivedAt: { $gte: 1, $lte: 2 } }, { receivedAt: -1, _id: 1 });
    expect(servedBy(period!, { receivedAt: -1, _id: 1 })).toBe(true);
  });

  it('lets a unique index serve a lookup of its values, and drops sort fields fixed by equality', () => {
    const [numbers] = shape({ caseNumber: { $in: ['a', 'b'] } }, { receivedAt: -1 });
    expect(servedBy(numbers!, { caseNumber: 1 }, true)).toBe(true);
    expect(servedBy(numbers!, { caseNumber: 1 }, false)).toBe(false);
    const [noDeadline] = shape({ seenBy: 'a', deadline: null }, { deadline: 1, receivedAt: -1 });
    expect(servedBy(noDeadline!, { seenBy: 1, deadline: 1, receivedAt: -1 })).toBe(true);
  });
});
