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

const byId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** Newest received first, then by id (a missing time last): the order lists break ties in, whichever store counted them. */
const newestReceived = (a: Pick<CountedCase, 'id' | 'receivedAt'>, b: Pick<CountedCase, 'id' | 'receivedAt'>): number => {
  const byTime = (b.receivedAt ?? Number.NEGATIVE_INFINITY) - (a.receivedAt ?? Number.NEGATIVE_INFINITY);
  return byTime !== 0 && !Number.isNaN(byTime) ? byTime : byId(a.id, b.id);
};
/** An overdue case without a deadline sorts first, ahead of every passed deadline. */
const earliestDeadline = (a: CountedCase, b: CountedCase): number => (a.deadline ?? Number.NEGATIVE_INFINITY) - (b.deadline ?? Number.NEGATIVE_INFINITY) || newestReceived(a, b);
const earliestReply = (a: SupervisedCase, b: SupervisedCase): number => a.replyBy - b.replyBy || byId(a.caseId, b.caseId) || byId(a.orderId, b.orderId);

/** What a dashboard counts alike of many resolved cases (not duplicates) held now. */
export type AlikeCases = Pick<CountedCase, 'stage' | 'level' | 'risk' | 'status' | 'breached' | 'rating'>;

export function overdueCaseOf(c: CountedCase): OverdueCase {
  return { id: c.id, caseNumber: c.caseNumber, stage: c.stage, centreId: c.centreId, level: c.level, risk: c.risk, deadline: c.deadline };
}

/**
 * One dashboard being counted. The memory store adds every case any covered centre held
 * (`add`); the queries store adds what MongoDB grouped and listed (`addAlike`, the lists):
 * either way the shares, averages and lists come out of this one place.
 */
export class DashboardTally {
  private readonly byStage = zeroes(STAGES);
  private readonly byLevel = zeroes(LEVELS);
  private readonly byRisk = zeroes(RISKS);
  private open = 0;
  private closed = 0;
  private duplicates = 0;
  private closedOnTime = 0;
  private readonly timesToClose: number[] = [];
  private ratingSum = 0;
  private rated = 0;
  private satisfied = 0;
  private readonly overdue: FirstOf<CountedCase>;
  private readonly missed: FirstOf<MissedDeadlineCase>;
  private readonly orders: FirstOf<SupervisedCase>;
  private lapsed = 0;
  /** Lists counted by the store itself, which then hands over only their first cases. */
  private readonly counted: { overdue?: number; missed?: number } = {};

  constructor(
    private readonly covers: Covers,
    private readonly now: number,
    listLimit = DASHBOARD_LIST_LIMIT,
  ) {
    this.overdue = new FirstOf(listLimit, earliestDeadline);
    this.missed = new FirstOf<MissedDeadlineCase>(listLimit, newestReceived);
    this.orders = new FirstOf(listLimit, earliestReply);
  }

  /** A case a covered centre held: counted if one holds it now, listed for the deadlines they missed and the orders they owe. */
  add(c: CountedCase): void {
    this.addMissed(c);
    if (!this.covers(c.centreId)) return;
    this.addOrdersOf(c);
    if (c.duplicateOf) {
      this.duplicates += 1;
      return;
    }
    this.addAlike(c, 1);
    if (c.status === 'closed') {
      if (c.closedAt !== null) this.addTimeToClose(c.closedAt - c.receivedAt);
    } else if (isOverdueAt(c, this.now)) {
      this.overdue.add(c);
    }
  }

  /** `n` resolved cases held now, alike in what is counted of them. */
  addAlike(c: AlikeCases, n: number): void {
    this.byStage[c.stage] += n;
    this.byLevel[c.level] += n;
    this.byRisk[c.risk] += n;
    if (c.status === 'closed') {
      this.closed += n;
      if (!c.breached) this.closedOnTime += n;
    } else {
      this.open += n;
    }
    if (c.rating !== null && c.rating !== undefined) {
      this.rated += n;
      this.ratingSum += c.rating * n;
      if (c.rating >= SATISFIED_FROM) this.satisfied += n;
    }
  }

  addDuplicates(n: number): void {
    this.duplicates += n;
  }

  addTimeToClose(ms: number): void {
    this.timesToClose.push(ms);
  }

  /** Listed if a covered centre missed one of its deadlines (it may be held elsewhere now). */
  addMissed(c: CountedCase): void {
    if (c.breachedBy.length === 0) return;
    const missedBy = c.breachedBy.filter(this.covers);
    if (missedBy.length > 0) this.missed.add({ id: c.id, caseNumber: c.caseNumber, stage: c.stage, status: c.status, centreId: c.centreId, level: c.level, receivedAt: c.receivedAt, missedBy });
  }

  /** The orders this case's covered centres owe (a case held by a covered centre). */
  addOrdersOf(c: Pick<CountedCase, 'id' | 'caseNumber' | 'unansweredOrders'>): void {
    for (const order of c.unansweredOrders) {
      if (!this.covers(order.centreId)) continue;
      this.orders.add({ ...order, caseId: c.id, caseNumber: c.caseNumber, orderId: order.id });
      if (order.status === 'lapsed') this.lapsed += 1;
    }
  }

  /** The first overdue cases, in order, of `count` the store counted. */
  addOverdueList(first: readonly CountedCase[], count: number): void {
    for (const c of first) this.overdue.add(c);
    this.counted.overdue = count;
  }

  /** The first cases with a missed deadline, newest first, of `count` the store counted. */
  addMissedList(first: readonly CountedCase[], count: number): void {
    for (const c of first) this.addMissed(c);
    this.counted.missed = count;
  }

  counts(): DashboardCounts {
    return {
      open: this.open,
      closed: this.closed,
      duplicates: this.duplicates,
      byStage: this.byStage,
      byLevel: this.byLevel,
      byRisk: this.byRisk,
      overdue: { count: this.counted.overdue ?? this.overdue.count, items: this.overdue.items.map(overdueCaseOf) },
      medianTimeToCloseMs: median(this.timesToClose),
      closedOnTimeShare: this.closed > 0 ? this.closedOnTime / this.closed : null,
      satisfaction: { rated: this.rated, average: this.rated > 0 ? this.ratingSum / this.rated : null, satisfiedShare: this.rated > 0 ? this.satisfied / this.rated : null },
      missedDeadlines: { count: this.counted.missed ?? this.missed.count, items: this.missed.items },
      unansweredOrders: { count: this.orders.count, lapsed: this.lapsed, items: this.orders.items },
    };
  }
}

/**
 * The dashboard of the covered centres, in one pass over the cases any of them held: the
 * cases they hold now, the deadlines they missed, the orders they owe. Lists keep their
 * first `listLimit` and count the rest, so a city's thousands of overdue cases cost a
 * comparison each, not a sort.
 */
export function countDashboard(all: Iterable<CountedCase>, covers: Covers, now: number, listLimit = DASHBOARD_LIST_LIMIT): DashboardCounts {
  const tally = new DashboardTally(covers, now, listLimit);
  for (const c of all) tally.add(c);
  return tally.counts();
}
