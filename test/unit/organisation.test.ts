import { describe, expect, it } from 'vitest';
import { isAbove, levelOfPath, levelRank, LEVELS, Organisation, type Centre } from '../../src/domain';

const centres: Centre[] = [
  { id: 'c', name: { zh: '市', en: 'City' }, level: 'city', parentId: null },
  { id: 'c-a', name: { zh: '甲县', en: 'County A' }, level: 'county', parentId: 'c' },
  { id: 'c-b', name: { zh: '乙县', en: 'County B' }, level: 'county', parentId: 'c' },
  { id: 'c-a-t', name: { zh: '镇', en: 'Town' }, level: 'town', parentId: 'c-a' },
  { id: 'c-a-t-v1', name: { zh: '一村', en: 'Village 1' }, level: 'village', parentId: 'c-a-t' },
  { id: 'c-a-t-v2', name: { zh: '二村', en: 'Village 2' }, level: 'village', parentId: 'c-a-t' },
];
const org = new Organisation(centres);

describe('levels', () => {
  it('ranks city highest and village lowest', () => {
    expect(LEVELS.map(levelRank)).toEqual([0, 1, 2, 3]);
    expect(isAbove('city', 'county')).toBe(true);
    expect(isAbove('town', 'town')).toBe(false);
    expect(isAbove('village', 'town')).toBe(false);
  });

  it('derives the level from a path length', () => {
    expect(levelOfPath(['c'])).toBe('city');
    expect(levelOfPath(['c', 'c-a', 'c-a-t', 'c-a-t-v1'])).toBe('village');
    expect(() => levelOfPath([])).toThrow();
    expect(() => levelOfPath(['a', 'b', 'c', 'd', 'e'])).toThrow();
  });
});

describe('Organisation navigation', () => {
  it('gives the path from the city root down to the centre', () => {
    expect(org.pathOf('c-a-t-v2')).toEqual(['c', 'c-a', 'c-a-t', 'c-a-t-v2']);
    expect(org.pathOf('c')).toEqual(['c']);
    expect(org.rootId).toBe('c');
  });

  it('finds parents and children', () => {
    expect(org.parentOf('c-a-t')?.id).toBe('c-a');
    expect(org.parentOf('c')).toBeNull();
    expect(org.children('c-a-t').map((c) => c.id)).toEqual(['c-a-t-v1', 'c-a-t-v2']);
    expect(org.children('c-b')).toEqual([]);
  });

  it('finds the ancestor at a level, itself at its own level, and null below it', () => {
    expect(org.ancestorAtLevel('c-a-t-v1', 'county')?.id).toBe('c-a');
    expect(org.ancestorAtLevel('c-a-t-v1', 'village')?.id).toBe('c-a-t-v1');
    expect(org.ancestorAtLevel('c-a', 'town')).toBeNull();
  });

  it('answers subtree questions', () => {
    expect(org.isInSubtree('c-a', 'c-a-t-v1')).toBe(true);
    expect(org.isInSubtree('c-a', 'c-a')).toBe(true);
    expect(org.isInSubtree('c-b', 'c-a-t-v1')).toBe(false);
    expect(org.isInSubtree('c-a', 'nowhere')).toBe(false);
    expect(org.subtreeIds('c-a')).toEqual(['c-a', 'c-a-t', 'c-a-t-v1', 'c-a-t-v2']);
    expect(org.subtreeIds('c')).toHaveLength(centres.length);
  });

  it('throws on an unknown centre', () => {
    expect(org.has('nowhere')).toBe(false);
    expect(() => org.get('nowhere')).toThrow(/Unknown centre/);
  });
});

describe('Organisation validation', () => {
  const root = centres[0] as Centre;
  it('rejects an unknown parent', () => {
    expect(() => new Organisation([root, { id: 'x', name: { zh: 'x', en: 'x' }, level: 'county', parentId: 'ghost' }])).toThrow(/unknown parent ghost/);
  });
  it('rejects a child that skips a level', () => {
    expect(() => new Organisation([root, { id: 'x', name: { zh: 'x', en: 'x' }, level: 'town', parentId: 'c' }])).toThrow(/exactly one level below/);
  });
  it('rejects more than one root', () => {
    expect(() => new Organisation([root, { ...root, id: 'c2' }])).toThrow(/more than one root/);
  });
  it('rejects no root, a non-city root and duplicate ids', () => {
    expect(() => new Organisation([])).toThrow(/no root/);
    expect(() => new Organisation([{ ...root, level: 'county' }])).toThrow(/city level/);
    expect(() => new Organisation([root, root])).toThrow(/Duplicate/);
  });
});
