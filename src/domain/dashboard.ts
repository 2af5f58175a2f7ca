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
import { FirstOf } from './first-of';

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
  /** The overdue open cases, the earliest deadline first. */
  overdue: CountedList<OverdueCase>;
  medianTimeToCloseMs: number | null;
  closedOnTimeShare: number | null;
  satisfaction: { rated: number; average: number | null; satisfiedShare: number | null };
  /**
   * Cases whose deadline a covered centre missed, the newest first, counted against the
   * centre that missed it: a village whose cases all went up by deadline does not look
   * clean once they have left it.
   */
  missedDeadlines: CountedList<MissedDeadlineCase>;
  /** Supervision orders to a covered centre that await a reply, the earliest reply time first; `lapsed` of them past their reply time. */
  unansweredOrders: CountedList<SupervisedCase> & { lapsed: number };
}

function zeroes<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  // A typed array sorts numbers natively, several times faster than a comparator over a city's cases.
  const sorted = Float64Array.from(values).sort();
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Ratings from this up count as satisfied (4 and 5 of 5); 3 is neither. */
const SATISFIED_FROM = DISSATISFIED_RATING + 2;

/** A dashboard's list: how many there are, and the first of them. */
export interface CountedList<T> {
  count: number;
  items: T[];
}

/** A dashboard lists this many of its overdue cases, missed deadlines and orders; its counts are of all. */
export const DASHBOARD_LIST_LIMIT = 100;

function listOf<T>(first: FirstOf<T>): CountedList<T> {
  return { count: first.count, items: first.items };
}

/** An overdue case without a deadline sorts first, ahead of every passed deadline. */
const earliestDeadline = (a: CountedCase, b: CountedCase): number => (a.deadline ?? Number.NEGATIVE_INFINITY) - (b.deadline ?? Number.NEGATIVE_INFINITY);
const newestReceived = (a: MissedDeadlineCase, b: MissedDeadlineCase): number => b.receivedAt - a.receivedAt;
const earliestReply = (a: SupervisedCase, b: SupervisedCase): number => a.replyBy - b.replyBy;

/**
 * The dashboard of the covered centres, in one pass over the cases any of them held: the
 * cases they hold now, the deadlines they missed, the orders they owe. Lists keep their
 * first `listLimit` and count the rest, so a city's thousands of overdue cases cost a
 * comparison each, not a sort.
 */
export function countDashboard(all: Iterable<CountedCase>, covers: Covers, now: number, listLimit = DASHBOARD_LIST_LIMIT): DashboardCounts {
  const tally = new HeldTally(now, listLimit);
  const missed = new FirstOf<MissedDeadlineCase>(listLimit, newestReceived);
  const orders = new FirstOf<SupervisedCase>(listLimit, earliestReply);
  let lapsed = 0;
  for (const c of all) {
    if (c.breachedBy.length > 0) {
      const missedBy = c.breachedBy.filter(covers);
      if (missedBy.length > 0) missed.add({ id: c.id, caseNumber: c.caseNumber, stage: c.stage, status: c.status, centreId: c.centreId, level: c.level, receivedAt: c.receivedAt, missedBy });
    }
    if (!covers(c.centreId)) continue;
    tally.add(c);
    for (const order of c.unansweredOrders) {
      if (!covers(order.centreId)) continue;
      orders.add({ ...order, caseId: c.id, caseNumber: c.caseNumber, orderId: order.id });
      if (order.status === 'lapsed') lapsed += 1;
    }
  }
  return { ...tally.counts(), missedDeadlines: listOf(missed), unansweredOrders: { ...listOf(orders), lapsed } };
}

/** The counts of the cases the covered centres hold now. */
class HeldTally {
  private readonly byStage = zeroes(STAGES);
  private readonly byLevel = zeroes(LEVELS);
  private readonly byRisk = zeroes(RISKS);
  private open = 0;
  private closed = 0;
  private duplicates = 0;
  private closedOnTime = 0;
  private readonly overdue: FirstOf<CountedCase>;
  private readonly timesToClose: number[] = [];
  private ratingSum = 0;
  private rated = 0;
  private satisfied = 0;

  constructor(
    private readonly now: number,
    listLimit: number,
  ) {
    this.overdue = new FirstOf(listLimit, earliestDeadline);
  }

  add(c: CountedCase): void {
    if (c.duplicateOf) {
      this.duplicates += 1;
      return;
    }
    this.byStage[c.stage] += 1;
    this.byLevel[c.level] += 1;
    this.byRisk[c.risk] += 1;
    if (c.status === 'closed') {
      this.closed += 1;
      if (c.closedAt !== null) this.timesToClose.push(c.closedAt - c.receivedAt);
      if (!c.breached) this.closedOnTime += 1;
    } else {
      this.open += 1;
      if (isOverdueAt(c, this.now)) this.overdue.add(c);
    }
    if (c.rating !== null) {
      this.rated += 1;
      this.ratingSum += c.rating;
      if (c.rating >= SATISFIED_FROM) this.satisfied += 1;
    }
  }

  counts(): Omit<DashboardCounts, 'missedDeadlines' | 'unansweredOrders'> {
    const overdue = this.overdue.items.map((c): OverdueCase => ({ id: c.id, caseNumber: c.caseNumber, stage: c.stage, centreId: c.centreId, level: c.level, risk: c.risk, deadline: c.deadline }));
    return {
      open: this.open,
      closed: this.closed,
      duplicates: this.duplicates,
      byStage: this.byStage,
      byLevel: this.byLevel,
      byRisk: this.byRisk,
      overdue: { count: this.overdue.count, items: overdue },
      medianTimeToCloseMs: median(this.timesToClose),
      closedOnTimeShare: this.closed > 0 ? this.closedOnTime / this.closed : null,
      satisfaction: { rated: this.rated, average: this.rated > 0 ? this.ratingSum / this.rated : null, satisfiedShare: this.rated > 0 ? this.satisfied / this.rated : null },
    };
  }
}
