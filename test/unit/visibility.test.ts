import { describe, expect, it } from 'vitest';
import { isOverdueAt, visibleTo, type CaseParties, type Viewer } from '../../src/domain';

const PATH = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', 'zz-pinghe-xiaoxi-dongmen'];
const aCase: CaseParties = {
  centreId: 'zz-pinghe-xiaoxi',
  centrePath: PATH.slice(0, 3),
  complainantId: 'p-resident-a',
  reportedById: 'p-grid-dongmen',
  mediatorId: 'p-mediator-m',
  expertId: null,
  opinionExpertId: 'p-expert-e',
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
    expect(visibleTo(aCase, v)).toBe(expected);
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
