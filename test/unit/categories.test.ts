import { describe, expect, it } from 'vitest';
import { CATEGORIES, CATEGORY_CODES, isHazard } from '../../src/domain';

describe('categories', () => {
  it('both kinds have a category for what fits no other: a danger is never filed as a dispute for want of one', () => {
    const others = CATEGORY_CODES.filter((code) => code.startsWith('other'));
    expect(others.map((code) => CATEGORIES[code].kind).sort()).toEqual(['dispute', 'hazard']);
    expect(isHazard('other_hazard')).toBe(true);
    expect(CATEGORIES.other_hazard.name.zh).toBe('其他隐患');
  });
});
