/**
 * A centre's dashboard, counted from its cases: open and closed, by stage, level and
 * risk, the overdue ones, time to close, closed on time, and satisfaction; and the
 * deadlines the centre missed, wherever those cases are now. Pure, so the same counting
 * serves any store of cases.
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
  /** The centre of each stage visit past its deadline (a centre once per breach). */
  breachedBy: string[];
  /** Supervision orders still awaiting a reply. */
  unansweredOrders: UnansweredOrder[];
  /** Closed as a duplicate of this case (entries written before duplicates lack it). */
  duplicateOf?: string | null;
}

/** A supervision order as the dashboard lists it: open, or lapsed and still unanswered. */
export interface UnansweredOrder {
  id: string;
  centreId: string;
  byCentreId: string;
  automatic: boolean;
  reason: string;
  replyBy: number;
  status: 'open' | 'lapsed';
}

/** An unanswered order with its case, for the dashboard's list. */
export interface SupervisedCase extends UnansweredOrder {
  caseId: string;
  caseNumber: string;
  orderId: string;
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

/** A case whose deadline a centre of the dashboard missed; it may have moved on since. */
export interface MissedDeadlineCase {
  id: string;
  caseNumber: string;
  stage: Stage;
  status: CaseStatus;
  /** Where the case is now. */
  centreId: string;
  level: Level;
  receivedAt: number;
  /** The dashboard's centres that missed it, once per missed deadline. */
  missedBy: string[];
}

/**
 * Which centres a dashboard covers: the centre alone (its staff's dashboard) or the
 * centre and every centre below it (an admin's).
 */
export type Covers = (centreId: string) => boolean;

export interface DashboardCounts {
  open: number;
  /** Cases resolved: closed, duplicates left out. */
  closed: number;
  /**
   * Reports closed as duplicates of another case: counted here alone, not as cases
   * closed, in times to close or on time, nor by stage, level or risk, since their
   * work and their outcome are the original's.
   */
  duplicates: number;
  byStage: Record<Stage, number>;
  byLevel: Record<Level, number>;
  byRisk: Record<Risk, number>;
  /** Every overdue open case, the earliest deadline first. */
  overdue: OverdueCase[];
  medianTimeToCloseMs: number | null;
  closedOnTimeShare: number | null;
  satisfaction: { rated: number; average: number | null; satisfiedShare: number | null };
  /**
   * Cases whose deadline a covered centre missed, the newest first, counted against the
   * centre that missed it: a village whose cases all went up by deadline does not look
   * clean once they have left it.
   */
  missedDeadlines: MissedDeadlineCase[];
  /** Supervision orders to a covered centre that await a reply, the earliest reply time first. */
  unansweredOrders: SupervisedCase[];
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

/** The cases a covered centre let pass their deadline, held here or not. */
export function missedDeadlines(cases: Iterable<CountedCase>, covers: Covers): MissedDeadlineCase[] {
  const missed: MissedDeadlineCase[] = [];
  for (const c of cases) {
    const missedBy = c.breachedBy.filter(covers);
    if (missedBy.length === 0) continue;
    missed.push({ id: c.id, caseNumber: c.caseNumber, stage: c.stage, status: c.status, centreId: c.centreId, level: c.level, receivedAt: c.receivedAt, missedBy });
  }
  return missed.sort((a, b) => b.receivedAt - a.receivedAt);
}

/** Orders a covered centre must still answer: an admin's dashboard also shows those to the centres below. */
export function unansweredOrdersOf(cases: Iterable<CountedCase>, covers: Covers): SupervisedCase[] {
  const orders: SupervisedCase[] = [];
  for (const c of cases) {
    for (const order of c.unansweredOrders) if (covers(order.centreId)) orders.push({ ...order, caseId: c.id, caseNumber: c.caseNumber, orderId: order.id });
  }
  return orders.sort((a, b) => a.replyBy - b.replyBy);
}

/** The dashboard of the covered centres: the cases they hold now, the deadlines they missed, the orders they owe. */
export function countDashboard(all: Iterable<CountedCase>, covers: Covers, now: number): DashboardCounts {
  const everyCase = [...all];
  const held = everyCase.filter((c) => covers(c.centreId));
  return { ...countHeld(held, now), missedDeadlines: missedDeadlines(everyCase, covers), unansweredOrders: unansweredOrdersOf(held, covers) };
}

function countHeld(cases: Iterable<CountedCase>, now: number): Omit<DashboardCounts, 'missedDeadlines' | 'unansweredOrders'> {
  const byStage = zeroes(STAGES);
  const byLevel = zeroes(LEVELS);
  const byRisk = zeroes(RISKS);
  let open = 0;
  let closed = 0;
  let duplicates = 0;
  let closedOnTime = 0;
  const overdue: OverdueCase[] = [];
  const timesToClose: number[] = [];
  const ratings: number[] = [];
  for (const c of cases) {
    if (c.duplicateOf) {
      duplicates += 1;
      continue;
    }
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
    duplicates,
    byStage,
    byLevel,
    byRisk,
    overdue,
    medianTimeToCloseMs: median(timesToClose),
    closedOnTimeShare: closed > 0 ? closedOnTime / closed : null,
    satisfaction: { rated: ratings.length, average, satisfiedShare: ratings.length > 0 ? ratings.filter((r) => r >= SATISFIED_FROM).length / ratings.length : null },
  };
}
