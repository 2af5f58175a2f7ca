import { describe, expect, it } from 'vitest';
import { countDashboard, FirstOf, Organisation, SEED_CENTRES, type CountedCase, type Covers } from '../../src/domain';

const ORG = new Organisation(SEED_CENTRES);
/** An admin's dashboard: the centre and everything below it. */
const subtreeOf = (centreId: string): Covers => (id) => ORG.isInSubtree(centreId, id);
const only = (centreId: string): Covers => (id) => id === centreId;

const NOW = Date.UTC(2026, 11, 1, 8);
const HOUR = 3_600_000;
const missedDeadlines = (cases: CountedCase[], covers: Covers) => countDashboard(cases, covers, NOW).missedDeadlines.items;

function counted(id: string, overrides: Partial<CountedCase> = {}): CountedCase {
  return { id, caseNumber: `N-${id}`, stage: 'mediation', status: 'open', centreId: 'zz-pinghe', level: 'county', risk: 'medium', deadline: NOW + HOUR, overdue: false, receivedAt: NOW - 10 * HOUR, closedAt: null, rating: null, breached: false, breachedBy: [], unansweredOrders: [], ...overrides };
}

describe('countDashboard', () => {
  it('counts by stage, level and risk, lists the overdue earliest first, and rates satisfaction 4 and 5 as satisfied', () => {
    const counts = countDashboard(
      [
        counted('a'),
        counted('late', { deadline: NOW - HOUR }),
        counted('later', { deadline: NOW - 2 * HOUR }),
        counted('flagged', { overdue: true, deadline: null, level: 'city', risk: 'critical' }),
        counted('c1', { status: 'closed', stage: 'closed', closedAt: NOW - 8 * HOUR, rating: 5 }),
        counted('c2', { status: 'closed', stage: 'closed', closedAt: NOW - 4 * HOUR, rating: 3, breached: true }),
        counted('c3', { status: 'closed', stage: 'closed', closedAt: NOW - 6 * HOUR, rating: 1 }),
      ],
      only('zz-pinghe'),
      NOW,
    );
    expect(counts).toMatchObject({ open: 4, closed: 3 });
    expect(counts.byStage).toMatchObject({ mediation: 4, closed: 3, intake: 0 });
    expect(counts.byLevel).toEqual({ city: 1, county: 6, town: 0, village: 0 });
    expect(counts.byRisk).toMatchObject({ critical: 1, medium: 6 });
    expect(counts.overdue.items.map((c) => c.id)).toEqual(['flagged', 'later', 'late']);
    expect(counts.overdue.count).toBe(3);
    expect(counts.medianTimeToCloseMs).toBe(4 * HOUR);
    expect(counts.closedOnTimeShare).toBeCloseTo(2 / 3);
    expect(counts.satisfaction).toEqual({ rated: 3, average: 3, satisfiedShare: 1 / 3 });
  });

  it('has no shares or averages when nothing is closed or rated', () => {
    expect(countDashboard([], only('zz-pinghe'), NOW)).toMatchObject({
      open: 0,
      closed: 0,
      overdue: { count: 0, items: [] },
      missedDeadlines: { count: 0, items: [] },
      unansweredOrders: { count: 0, lapsed: 0, items: [] },
      medianTimeToCloseMs: null,
      closedOnTimeShare: null,
      satisfaction: { rated: 0, average: null, satisfiedShare: null },
    });
  });

  it('counts only the cases the covered centres hold now', () => {
    const cases = [counted('here', { centreId: 'zz-pinghe-xiaoxi' }), counted('below', { centreId: 'zz-pinghe-xiaoxi-dongmen' }), counted('elsewhere', { centreId: 'zz-tiz' })];
    expect(countDashboard(cases, only('zz-pinghe-xiaoxi'), NOW).open).toBe(1);
    expect(countDashboard(cases, subtreeOf('zz-pinghe-xiaoxi'), NOW).open).toBe(2);
  });
});

describe('missed deadlines count against the centre that missed them', () => {
  const VILLAGE = 'zz-pinghe-xiaoxi-dongmen';
  const TOWN = 'zz-pinghe-xiaoxi';
  // Both went up from the village by deadline and are held by the county now; one missed the town's deadline too.
  const wentUp = [
    counted('up1', { centreId: 'zz-pinghe', breached: true, breachedBy: [VILLAGE], receivedAt: NOW - 3 * HOUR }),
    counted('up2', { centreId: 'zz-pinghe', breached: true, breachedBy: [VILLAGE, TOWN], receivedAt: NOW - 2 * HOUR }),
    counted('fine', { centreId: VILLAGE }),
  ];

  it('a village whose cases all went up by deadline does not look clean', () => {
    const village = countDashboard(wentUp, only(VILLAGE), NOW);
    expect(village.open).toBe(1);
    expect(village.missedDeadlines.items.map((c) => c.id)).toEqual(['up2', 'up1']);
    expect(village.missedDeadlines.items[0]).toMatchObject({ centreId: 'zz-pinghe', level: 'county', missedBy: [VILLAGE] });
  });

  it('counts for the ancestors of the centre that missed, once per missed deadline', () => {
    expect(missedDeadlines(wentUp, only(TOWN)).map((c) => c.id)).toEqual(['up2']);
    const town = missedDeadlines(wentUp, subtreeOf(TOWN));
    expect(town.map((c) => [c.id, c.missedBy])).toEqual([
      ['up2', [VILLAGE, TOWN]],
      ['up1', [VILLAGE]],
    ]);
    expect(missedDeadlines(wentUp, subtreeOf('zz'))).toHaveLength(2);
  });

  it('does not count against the centre that holds the case now, nor against another branch', () => {
    expect(missedDeadlines(wentUp, only('zz-pinghe'))).toEqual([]);
    expect(missedDeadlines(wentUp, subtreeOf('zz-tiz'))).toEqual([]);
  });
});

describe('unanswered supervision orders', () => {
  const order = (id: string, centreId: string, replyBy: number, status: 'open' | 'lapsed' = 'open') => ({ id, centreId, byCentreId: 'zz-pinghe-xiaoxi', automatic: false, reason: 'r', replyBy, status });

  it('list the orders a covered centre owes, the earliest reply time first; an admin sees those to the centres below', () => {
    const cases = [
      counted('v', { centreId: 'zz-pinghe-xiaoxi-dongmen', level: 'village', unansweredOrders: [order('s1', 'zz-pinghe-xiaoxi-dongmen', NOW + HOUR), order('s2', 'zz-pinghe-xiaoxi-dongmen', NOW - HOUR, 'lapsed')] }),
      counted('t', { centreId: 'zz-pinghe-xiaoxi', level: 'town', unansweredOrders: [order('s1', 'zz-pinghe-xiaoxi', NOW + 2 * HOUR)] }),
      counted('other', { centreId: 'zz-tiz-jiaomei', level: 'town', unansweredOrders: [order('s1', 'zz-tiz-jiaomei', NOW)] }),
    ];
    expect(countDashboard(cases, subtreeOf('zz-pinghe-xiaoxi'), NOW).unansweredOrders.items.map((o) => `${o.caseId}/${o.orderId}/${o.status}`)).toEqual(['v/s2/lapsed', 'v/s1/open', 't/s1/open']);
    expect(countDashboard(cases, only('zz-pinghe-xiaoxi-dongmen'), NOW).unansweredOrders.items.map((o) => `${o.caseId}/${o.orderId}`)).toEqual(['v/s2', 'v/s1']);
    expect(countDashboard(cases, subtreeOf('zz-pinghe-xiaoxi'), NOW).unansweredOrders).toMatchObject({ count: 3, lapsed: 1 });
  });
});

describe('long lists', () => {
  it('keep their first cases and count them all', () => {
    // 250 overdue, the deadlines given in no order: the list holds the 100 earliest, in order.
    const cases = Array.from({ length: 250 }, (_, i) => counted(`o${i}`, { deadline: NOW - HOUR - ((i * 7919) % 250) * 1000, breached: true, breachedBy: ['zz-pinghe'], receivedAt: NOW - 10 * HOUR + ((i * 104_729) % 250) * 1000 }));
    const counts = countDashboard(cases, only('zz-pinghe'), NOW);
    expect(counts.overdue.count).toBe(250);
    const sortedDeadlines = cases.map((c) => c.deadline as number).sort((a, b) => a - b);
    expect(counts.overdue.items.map((c) => c.deadline)).toEqual(sortedDeadlines.slice(0, 100));
    expect(counts.missedDeadlines.count).toBe(250);
    expect(counts.missedDeadlines.items.map((c) => c.receivedAt)).toEqual(cases.map((c) => c.receivedAt).sort((a, b) => b - a).slice(0, 100));
    expect(countDashboard(cases, only('zz-pinghe'), NOW, 5).overdue.items).toHaveLength(5);
  });
});

describe('FirstOf', () => {
  type Tagged = { v: number; tag?: string };
  const byValue = (a: Tagged, b: Tagged) => a.v - b.v;
  it('keeps the first items in order, equal ones in the order they came, and counts every item', () => {
    const first = new FirstOf<Tagged>(3, byValue);
    for (const [v, tag] of [[5, 'a'], [1, 'b'], [3, 'c'], [1, 'd'], [9, 'e'], [0, 'f']] as const) first.add({ v, tag });
    expect(first.items.map((x) => x.tag)).toEqual(['f', 'b', 'd']);
    expect(first.count).toBe(6);
  });
  it('keeps nothing with a limit of zero, yet counts', () => {
    const first = new FirstOf<Tagged>(0, byValue);
    first.add({ v: 1 });
    expect([first.items, first.count]).toEqual([[], 1]);
  });
});
