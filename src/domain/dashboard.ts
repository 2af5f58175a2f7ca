/**
 * A centre's dashboard, counted from its cases: open and closed, by stage, level and
 * risk, the overdue ones, time to close, closed on time, and satisfaction. Pure, so the
 * same counting serves any store of cases.
 */
import { LEVELS, type Level } from './organisation';
import { RISKS, type Risk } from './risk';
import { DISSATISFIED_RATING, STAGES, type CaseStatus, type Stage } from './lifecycle';
import { isOverdueAt } from './visibility';

/** What the dashboard reads of a case. */
export interface CountedCase {
  id: string;
  caseNumber: string;
  stage: Stage;
  status: CaseStatus;
  centreId: string;
  level: Level;
  risk: Risk;
  deadline: number | null;
  overdue: boolean;
  receivedAt: number;
  closedAt: number | null;
  rating: number | null;
  /** Any stage visit past its deadline. */
  breached: boolean;
}

export interface OverdueCase {
  id: string;
  caseNumber: string;
  stage: Stage;
  centreId: string;
  level: Level;
  risk: Risk;
  deadline: number | null;
}

export interface DashboardCounts {
  open: number;
  closed: number;
  byStage: Record<Stage, number>;
  byLevel: Record<Level, number>;
  byRisk: Record<Risk, number>;
  /** Every overdue open case, the earliest deadline first. */
  overdue: OverdueCase[];
  medianTimeToCloseMs: number | null;
  closedOnTimeShare: number | null;
  satisfaction: { rated: number; average: number | null; satisfiedShare: number | null };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Ratings from this up count as satisfied (4 and 5 of 5); 3 is neither. */
const SATISFIED_FROM = DISSATISFIED_RATING + 2;

export function countDashboard(cases: Iterable<CountedCase>, now: number): DashboardCounts {
  const byStage = zeroes(STAGES);
  const byLevel = zeroes(LEVELS);
  const byRisk = zeroes(RISKS);
  let open = 0;
  let closed = 0;
  let closedOnTime = 0;
  const overdue: OverdueCase[] = [];
  const timesToClose: number[] = [];
  const ratings: number[] = [];
  for (const c of cases) {
    byStage[c.stage] += 1;
    byLevel[c.level] += 1;
    byRisk[c.risk] += 1;
    if (c.status === 'closed') {
      closed += 1;
      if (c.closedAt !== null) timesToClose.push(c.closedAt - c.receivedAt);
      if (!c.breached) closedOnTime += 1;
    } else {
      open += 1;
      if (isOverdueAt(c, now)) overdue.push({ id: c.id, caseNumber: c.caseNumber, stage: c.stage, centreId: c.centreId, level: c.level, risk: c.risk, deadline: c.deadline });
    }
    if (c.rating !== null) ratings.push(c.rating);
  }
  // An overdue case without a deadline sorts first, ahead of every passed deadline.
  overdue.sort((a, b) => (a.deadline ?? Number.NEGATIVE_INFINITY) - (b.deadline ?? Number.NEGATIVE_INFINITY));
  const average = ratings.length > 0 ? ratings.reduce((sum, r) => sum + r, 0) / ratings.length : null;
  return {
    open,
    closed,
    byStage,
    byLevel,
    byRisk,
    overdue,
    medianTimeToCloseMs: median(timesToClose),
    closedOnTimeShare: closed > 0 ? closedOnTime / closed : null,
    satisfaction: { rated: ratings.length, average, satisfiedShare: ratings.length > 0 ? ratings.filter((r) => r >= SATISFIED_FROM).length / ratings.length : null },
  };
}
