import { describe, expect, it } from 'vitest';
import { chooseAssignee, loadsOf, type AssignedCase } from '../../src/domain';

const PATH = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi'];
const open = (mediatorId: string | null, expertId: string | null = null): AssignedCase => ({ status: 'open', mediatorId, expertId });

describe('the load rule', () => {
  it('counts open cases per person in the role asked for, never closed ones', () => {
    const cases = [open('m1'), open('m1', 'e1'), open('m2'), { status: 'closed' as const, mediatorId: 'm2', expertId: 'e1' }];
    expect(Object.fromEntries(loadsOf('mediator', cases))).toEqual({ m1: 2, m2: 1 });
    expect(Object.fromEntries(loadsOf('expert', cases))).toEqual({ e1: 1 });
  });

  it('chooses a specialist over the rest, then the least loaded, then the nearer centre, then by id', () => {
    const pool = [
      { id: 'city-estate', centreId: 'zz', specialties: ['estate'] },
      { id: 'town-estate', centreId: 'zz-pinghe-xiaoxi', specialties: ['estate'] },
      { id: 'town-general', centreId: 'zz-pinghe-xiaoxi', specialties: ['general'] },
    ];
    expect(chooseAssignee(pool, PATH, 'estate', new Map())).toBe('town-estate');
    expect(chooseAssignee(pool, PATH, 'estate', new Map([['town-estate', 1]]))).toBe('city-estate');
    expect(chooseAssignee(pool, PATH, 'labour', new Map([['town-estate', 1]]))).toBe('town-general');
    expect(chooseAssignee([pool[0]!, { ...pool[0]!, id: 'a-city-estate' }], PATH, 'estate', new Map())).toBe('a-city-estate');
    expect(chooseAssignee([], PATH, 'estate', new Map())).toBeNull();
  });
});
