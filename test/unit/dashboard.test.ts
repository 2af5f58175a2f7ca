import { describe, expect, it } from 'vitest';
import { countDashboard, type CountedCase } from '../../src/domain';

const NOW = Date.UTC(2026, 11, 1, 8);
const HOUR = 3_600_000;

function counted(id: string, overrides: Partial<CountedCase> = {}): CountedCase {
  return { id, caseNumber: `N-${id}`, stage: 'mediation', status: 'open', centreId: 'zz-pinghe', level: 'county', risk: 'medium', deadline: NOW + HOUR, overdue: false, receivedAt: NOW - 10 * HOUR, closedAt: null, rating: null, breached: false, ...overrides };
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
      NOW,
    );
    expect(counts).toMatchObject({ open: 4, closed: 3 });
    expect(counts.byStage).toMatchObject({ mediation: 4, closed: 3, intake: 0 });
    expect(counts.byLevel).toEqual({ city: 1, county: 6, town: 0, village: 0 });
    expect(counts.byRisk).toMatchObject({ critical: 1, medium: 6 });
    expect(counts.overdue.map((c) => c.id)).toEqual(['flagged', 'later', 'late']);
    expect(counts.medianTimeToCloseMs).toBe(4 * HOUR);
    expect(counts.closedOnTimeShare).toBeCloseTo(2 / 3);
    expect(counts.satisfaction).toEqual({ rated: 3, average: 3, satisfiedShare: 1 / 3 });
  });

  it('has no shares or averages when nothing is closed or rated', () => {
    expect(countDashboard([], NOW)).toMatchObject({ open: 0, closed: 0, overdue: [], medianTimeToCloseMs: null, closedOnTimeShare: null, satisfaction: { rated: 0, average: null, satisfiedShare: null } });
  });
});
