// The one filter of case lists (src/api/cases/search.ts): text, phone, "my cases", the
// deadline order, and what the navigation's badge counts.
import { describe, expect, it } from 'vitest';
import type { MirroredCase } from '../../src/db/case-mirror';
import { phoneKeyOf } from '../../src/db/phone-key';
import { awaitsViewer, caseFilterOf, isAssignedTo, pageInMemory, searchInMemory, soonestDeadlineFirst } from '../../src/api/cases/search';
import { OrderedCases, newestFirst } from '../../src/db/ordered-cases';
import type { Viewer } from '../../src/domain';
import { listQuerySchema } from '../../src/api/cases/schemas';

const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
const PATH = ['zz', 'zz-pinghe', 'zz-pinghe-xiaoxi', VILLAGE];
const NOW = Date.UTC(2026, 11, 2, 8);

function entry(id: string, fields: Partial<MirroredCase> = {}): MirroredCase {
  return {
    id,
    caseNumber: `ZZ-20261202-00000${id.slice(-1)}`,
    category: 'neighbour_dispute',
    title: '邻里纠纷',
    centreId: VILLAGE,
    centrePath: PATH,
    stage: 'intake',
    status: 'open',
    level: 'village',
    risk: 'low',
    deadline: null,
    overdue: false,
    receivedAt: NOW - 1000,
    closedAt: null,
    rating: null,
    breached: false,
    breachedBy: [],
    heldBy: [VILLAGE],
    complainantId: 'p-someone',
    reportedById: 'p-dongmen-grid',
    mediatorId: null,
    expertId: null,
    opinionExpertId: null,
    unansweredOrders: [],
    departmentIds: [],
    seq: 1,
    updatedAt: NOW,
    ...fields,
  };
}

const admin: Viewer = { personId: 'p-dongmen-admin', role: 'admin', centreId: VILLAGE };
const pathOf = (id: string) => (id === VILLAGE ? PATH : undefined);
const query = (q: Record<string, string>) => listQuerySchema.parse(q);
const found = (entries: MirroredCase[], q: Record<string, string>, viewer: Viewer = admin) => searchInMemory(entries, caseFilterOf(query(q), viewer), viewer, pathOf, NOW).map((e) => e.id);

describe('free text', () => {
  const cases = [
    entry('c1', { title: '楼上漏水', complainantName: '欧阳春花', description: '天花板渗水', complainantPhoneKey: phoneKeyOf('13912345678') }),
    entry('c2', { title: 'Noise at night', complainantName: '司马远', description: 'Drilling from 7 am' }),
    // Written before search: no name or description.
    entry('c3', { title: '占用楼道' }),
  ];
  it('finds the case number, the title, the description and the name, ignoring case', () => {
    expect(found(cases, { q: 'ZZ-20261202-000002' })).toEqual(['c2']);
    expect(found(cases, { q: 'noise' })).toEqual(['c2']);
    expect(found(cases, { q: 'DRILLING' })).toEqual(['c2']);
    expect(found(cases, { q: '渗水' })).toEqual(['c1']);
    expect(found(cases, { q: '欧阳' })).toEqual(['c1']);
    expect(found(cases, { q: '楼道' })).toEqual(['c3']);
  });
  it('a whole phone number, however written, by its key; a part of one does not find it', () => {
    expect(found(cases, { q: '+86 139-1234-5678' })).toEqual(['c1']);
    expect(found(cases, { q: '1234567' })).toEqual([]);
  });
  it('no more than the viewer may see', () => {
    expect(found(cases, { q: '漏水' }, { personId: 'p-other', role: 'resident' })).toEqual([]);
    expect(found(cases, { q: '漏水' }, { personId: 'p-r', role: 'resident', phoneKey: phoneKeyOf('13912345678') as string })).toEqual(['c1']);
  });
});

describe('my cases', () => {
  it('mediator, expert asked or who answered, the acceptor while the case stays at that centre, the department working on it', () => {
    expect(isAssignedTo(entry('a', { mediatorId: 'p-m' }), { personId: 'p-m', role: 'mediator', centreId: VILLAGE })).toBe(true);
    expect(isAssignedTo(entry('a', { opinionExpertId: 'p-e' }), { personId: 'p-e', role: 'expert' })).toBe(true);
    expect(isAssignedTo(entry('a', { acceptedBy: { personId: 'p-dongmen-admin', centreId: VILLAGE } }), admin)).toBe(true);
    expect(isAssignedTo(entry('a', { centreId: 'zz-pinghe-xiaoxi', acceptedBy: { personId: 'p-dongmen-admin', centreId: VILLAGE } }), admin)).toBe(false);
    const dept: Viewer = { personId: 'p-d', role: 'department', departmentId: 'dept-x' };
    expect(isAssignedTo(entry('a', { workingDepartmentId: 'dept-x', departmentIds: ['dept-x'] }), dept)).toBe(true);
    expect(isAssignedTo(entry('a', { workingDepartmentId: null, departmentIds: ['dept-x'] }), dept)).toBe(false);
    // Entries written before these fields existed: assigned to nobody as handler.
    expect(isAssignedTo(entry('a'), admin)).toBe(false);
  });
});

describe('deadline order', () => {
  it('overdue first, then the soonest deadline, then no deadline; ties newest first', () => {
    const cases = [
      entry('none-old', { deadline: null, receivedAt: NOW - 5000 }),
      entry('later', { deadline: NOW + 7200_000 }),
      entry('none-new', { deadline: null, receivedAt: NOW - 10 }),
      entry('past', { deadline: NOW - 60_000 }),
      entry('flagged', { deadline: null, overdue: true }),
      entry('soon', { deadline: NOW + 60_000 }),
    ];
    expect([...cases].sort(soonestDeadlineFirst(NOW)).map((c) => c.id)).toEqual(['flagged', 'past', 'soon', 'later', 'none-new', 'none-old']);
    expect(found(cases, { sort: 'deadline' })).toEqual(['flagged', 'past', 'soon', 'later', 'none-new', 'none-old']);
  });
});

describe('pages of the copy kept in order', () => {
  // 300 cases with receipt times and deadlines in no order, some alike, some missing.
  const many = Array.from({ length: 300 }, (_, i) =>
    entry(`c${String(i).padStart(3, '0')}`, {
      receivedAt: i % 50 === 0 ? null : NOW - ((i * 7919) % 97) * 60_000,
      deadline: i % 7 === 0 ? null : NOW + (((i * 104_729) % 41) - 20) * 60_000,
      overdue: i % 23 === 0,
      risk: i % 3 === 0 ? 'high' : 'low',
    } as Partial<MirroredCase>),
  );
  const copy = new OrderedCases();
  copy.replaceAll(many);

  it('a page, at either order and any boundary, is the same slice of the whole sorted list, with the same total', () => {
    for (const q of [{}, { sort: 'deadline' }, { risk: 'high' }, { risk: 'high', sort: 'deadline' }] as Record<string, string>[]) {
      const filter = caseFilterOf(query(q), admin);
      const whole = searchInMemory(many, filter, admin, pathOf, NOW);
      for (const [skip, limit] of [[0, 20], [20, 20], [whole.length - 5, 20], [whole.length, 20], [0, null]] as [number, number | null][]) {
        const page = pageInMemory(copy.inOrder(), filter, admin, pathOf, NOW, { skip, limit });
        expect(page.total).toBe(whole.length);
        expect(page.entries.map((e) => e.id)).toEqual(whole.slice(skip, limit === null ? undefined : skip + limit).map((e) => e.id));
      }
    }
  });

  it('stays in order as cases change, arrive and leave', () => {
    const changing = new OrderedCases();
    changing.replaceAll(many.slice(0, 200));
    for (const e of many.slice(0, 50)) changing.set({ ...e, stage: 'mediation' });
    for (const e of many.slice(50, 80)) changing.set({ ...e, receivedAt: NOW - ((Number(e.id.slice(1)) * 31) % 200) * 1000 });
    for (const e of many.slice(200)) changing.set(e);
    for (const e of many.slice(80, 120)) changing.delete(e.id);
    changing.retainOnly((e) => e.id !== 'c001');
    const ids = changing.inOrder().map((e) => e.id);
    expect(changing.size).toBe(259);
    expect(new Set(ids).size).toBe(259);
    expect([...changing.inOrder()].sort(newestFirst).map((e) => e.id)).toEqual(ids);
    expect(changing.get('c010')?.stage).toBe('mediation');
    expect(changing.get('c090')).toBeUndefined();
  });
});

describe('what waits for me (the badge)', () => {
  it('centre staff: open and not yet accepted at their own centre; department: its work; expert: a question put to them', () => {
    expect(awaitsViewer(entry('a'), admin)).toBe(true);
    expect(awaitsViewer(entry('a', { stage: 'escalation' }), admin)).toBe(true);
    expect(awaitsViewer(entry('a', { stage: 'risk_assessment' }), admin)).toBe(false);
    expect(awaitsViewer(entry('a', { centreId: 'zz-pinghe-xiaoxi' }), admin)).toBe(false);
    expect(awaitsViewer(entry('a', { status: 'closed' }), admin)).toBe(false);
    expect(awaitsViewer(entry('a', { workingDepartmentId: 'dept-x' }), { personId: 'p-d', role: 'department', departmentId: 'dept-x' })).toBe(true);
    expect(awaitsViewer(entry('a', { stage: 'expert_consultation', expertId: 'p-e' }), { personId: 'p-e', role: 'expert' })).toBe(true);
    expect(awaitsViewer(entry('a'), { personId: 'p-r', role: 'resident' })).toBe(false);
  });
});
