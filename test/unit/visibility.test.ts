import { describe, expect, it } from 'vitest';
import { centresThatHeld, hasReadOnlySight, isOverdueAt, Organisation, SEED_CENTRES, visibleTo, type CaseParties, type Viewer } from '../../src/domain';

const ORG = new Organisation(SEED_CENTRES);
const pathOf = (id: string) => (ORG.has(id) ? ORG.pathOf(id) : undefined);

const PATH = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'];
const aCase: CaseParties = {
  centreId: 'zz-pinghe-xiaoxi',
  centrePath: PATH.slice(0, 3),
  heldBy: ['zz-pinghe-xiaoxi'],
  complainantId: 'p-resident-a',
  reportedById: 'p-grid-dongmen',
  mediatorId: 'p-mediator-m',
  expertId: null,
  opinionExpertId: 'p-expert-e',
  departmentIds: ['dept-x'],
};
const viewer = (role: Viewer['role'], personId: string, centreId?: string): Viewer => ({ role, personId, ...(centreId ? { centreId } : {}) });

describe('who sees a case', () => {
  it.each([
    ['the complainant', viewer('resident', 'p-resident-a'), true],
    ['another resident', viewer('resident', 'p-resident-b'), false],
    ['the grid worker who reported it, from the village below', viewer('grid_worker', 'p-grid-dongmen', 'zz-pinghe-xiaoxi-dongmen'), true],
    ['another grid worker of that village', viewer('grid_worker', 'p-grid-other', 'zz-pinghe-xiaoxi-dongmen'), false],
    ['a grid worker of the owning centre', viewer('grid_worker', 'p-grid-x', 'zz-pinghe-xiaoxi'), true],
    ['a mediator of the owning centre', viewer('mediator', 'p-mediator-x', 'zz-pinghe-xiaoxi'), true],
    ['the assigned mediator, from elsewhere', viewer('mediator', 'p-mediator-m', 'zz-other'), true],
    ['a mediator of the county above', viewer('mediator', 'p-mediator-c', 'zz-pinghe'), false],
    ['the expert who gave the opinion, after the request closed', viewer('expert', 'p-expert-e', 'zz'), true],
    ['another expert of the centre', viewer('expert', 'p-expert-f', 'zz-pinghe-xiaoxi'), false],
    ['an admin of the county above', viewer('admin', 'p-admin-c', 'zz-pinghe'), true],
    ['an admin of the village below', viewer('admin', 'p-admin-v', 'zz-pinghe-xiaoxi-dongmen'), false],
    ['an admin without a centre', viewer('admin', 'p-admin-x'), false],
  ])('%s: %s', (_who, v, expected) => {
    expect(visibleTo(aCase, v, pathOf)).toBe(expected);
  });
});

describe('who keeps sight of a case that moved on', () => {
  // Reported at Dongmen community, sent up to Xiaoxi town, then by risk straight to the city.
  const moved: CaseParties = { ...aCase, mediatorId: null, opinionExpertId: null, centreId: 'zz', centrePath: ['zz'], heldBy: ['zz-pinghe-xiaoxi-dongmen', 'zz-pinghe-xiaoxi', 'zz'] };
  it.each([
    ['a grid worker of the village that sent it up', viewer('grid_worker', 'p-grid-x', 'zz-pinghe-xiaoxi-dongmen'), true, true],
    ['a mediator of the town it passed through', viewer('mediator', 'p-mediator-x', 'zz-pinghe-xiaoxi'), true, true],
    ['an admin of the village', viewer('admin', 'p-admin-v', 'zz-pinghe-xiaoxi-dongmen'), true, true],
    ['an admin of the county above the centres it left, which never held it', viewer('admin', 'p-admin-c', 'zz-pinghe'), true, true],
    ['an admin of the city that holds it', viewer('admin', 'p-admin-zz', 'zz'), true, false],
    ['a mediator of the county, which never held it', viewer('mediator', 'p-mediator-c', 'zz-pinghe'), false, false],
    ['a grid worker of another village', viewer('grid_worker', 'p-grid-s', 'zz-tiz-jiaomei-shicuo'), false, false],
    ['an admin of another county', viewer('admin', 'p-admin-t', 'zz-tiz'), false, false],
    ['an expert of the town', viewer('expert', 'p-expert-f', 'zz-pinghe-xiaoxi'), false, false],
    ['a resident of the village', viewer('resident', 'p-resident-b', 'zz-pinghe-xiaoxi-dongmen'), false, false],
  ])('%s: sees %s, read-only %s', (_who, v, sees, readOnly) => {
    expect(visibleTo(moved, v, pathOf)).toBe(sees);
    expect(hasReadOnlySight(moved, v, pathOf)).toBe(readOnly);
  });

  it('a centre nobody knows counts as itself alone', () => {
    const unknown = { ...moved, heldBy: ['zz-gone', 'zz'] };
    expect(visibleTo(unknown, viewer('mediator', 'p-m', 'zz-gone'), () => undefined)).toBe(true);
    expect(visibleTo(unknown, viewer('admin', 'p-a', 'zz-pinghe'), () => undefined)).toBe(false);
  });

  it('the centres that held a case come from its visits, each once, in order', () => {
    const visits = ['v', 'v', 't', 'v', 'c'].map((centreId) => ({ centreId }));
    expect(centresThatHeld(visits)).toEqual(['v', 't', 'c']);
  });
});

describe('overdue', () => {
  const now = 1_000_000;
  it('is open past the deadline, or flagged by the workflow', () => {
    expect(isOverdueAt({ overdue: false, status: 'open', deadline: now - 1 }, now)).toBe(true);
    expect(isOverdueAt({ overdue: false, status: 'open', deadline: now + 1 }, now)).toBe(false);
    expect(isOverdueAt({ overdue: false, status: 'open', deadline: null }, now)).toBe(false);
    expect(isOverdueAt({ overdue: false, status: 'closed', deadline: now - 1 }, now)).toBe(false);
    expect(isOverdueAt({ overdue: true, status: 'closed', deadline: null }, now)).toBe(true);
  });
});
