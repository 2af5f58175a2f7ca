/**
 * The reads as MongoDB's own queries on `case_index`, each served by an index of
 * indexes.ts: nothing is held in the process, so its memory and start-up do not grow
 * with the number of cases. Every filter is the translation of the one rule that
 * src/api/cases/search.ts states for the copy in memory.
 */
import type { Collection, Document, Filter, Sort } from 'mongodb';
import { DASHBOARD_LIST_LIMIT, DashboardTally, viewerKeysOf, withCurrentShape, type AlikeCases, type CaseDocument, type DashboardCounts, type Viewer } from '../../domain';
import { mirroredCase, type MirroredCase } from '../../db/case-mirror';
import type { CaseIndexEntry } from '../../db/case-index';
import type { Models } from '../../db/models';
import type { AssigneeRole } from '../../domain/assignment';
import type { CaseFilter } from '../cases/search';
import type { CasePage, CaseReads, Range, ReceivedQuery, Seeing } from './case-reads';

/** A `case_index` document as the driver sees it: string ids. */
type IndexDoc = Document & { _id: string };

/** One query as issued: what the index check (test/unit/read-indexes.test.ts) reads. */
export interface IssuedQuery {
  filter: Filter<IndexDoc>;
  sort: Sort | null;
}

const NEWEST_FIRST = { receivedAt: -1, _id: 1 } as const;
const SOONEST_DEADLINE = { deadline: 1, receivedAt: -1, _id: 1 } as const;
const NOTHING: Filter<IndexDoc> = { _id: { $in: [] } };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const allOf = (clauses: Filter<IndexDoc>[]): Filter<IndexDoc> => (clauses.length === 0 ? {} : clauses.length === 1 ? clauses[0]! : { $and: clauses });
const anyOf = (clauses: Filter<IndexDoc>[]): Filter<IndexDoc> => (clauses.length === 0 ? NOTHING : clauses.length === 1 ? clauses[0]! : { $or: clauses });

/** The centres of an admin's subtree, the admin's own included. */
function subtreeOf(seeing: Seeing): string[] {
  const top = seeing.viewer.centreId;
  if (seeing.viewer.role !== 'admin' || top === undefined) return [];
  const below = seeing.centreIds.filter((id) => (seeing.pathOf(id) ?? [id]).includes(top));
  return below.includes(top) ? below : [top, ...below];
}

/** `visibleTo` (src/domain/visibility.ts) as a query. */
export function visibilityFilter(seeing: Seeing): Filter<IndexDoc> {
  const keys = viewerKeysOf(seeing.viewer, subtreeOf(seeing));
  const ways: Filter<IndexDoc>[] = keys.length > 0 ? [{ seenBy: { $in: keys } }] : [];
  if (seeing.viewer.role === 'resident' && seeing.viewer.phoneKey !== undefined) ways.push({ complainantPhoneKey: seeing.viewer.phoneKey });
  return anyOf(ways);
}

/** `isOverdueAt` as a query: flagged, or open past its deadline (a null deadline is never before now). */
function overdueFilter(overdue: boolean, now: number): Filter<IndexDoc> {
  const pastDeadline = { status: 'open', deadline: { $lt: now } };
  return overdue ? { $or: [{ overdue: true }, pastDeadline] } : { overdue: { $ne: true }, $nor: [pastDeadline] };
}

/** `isAssignedTo`: mediator, expert (asked, or who answered), or handler. */
function assignedFilter(viewer: Viewer): Filter<IndexDoc> {
  const me = viewer.personId;
  const ways: Filter<IndexDoc>[] = [{ mediatorId: me }, { expertId: me }, { opinionExpertId: me }];
  if (viewer.centreId !== undefined) ways.push({ 'acceptedBy.personId': me, 'acceptedBy.centreId': viewer.centreId, centreId: viewer.centreId });
  if (viewer.role === 'department' && viewer.departmentId !== undefined) ways.push({ workingDepartmentId: viewer.departmentId });
  return { $or: ways };
}

function textFilter(filter: CaseFilter): Filter<IndexDoc> | null {
  if (filter.text === null) return null;
  const contains = { $regex: escapeRegex(filter.text), $options: 'i' };
  const ways: Filter<IndexDoc>[] = [{ caseNumber: contains }, { title: contains }, { complainantName: contains }, { description: contains }];
  if (filter.phoneKey !== null) ways.unshift({ complainantPhoneKey: filter.phoneKey });
  return { $or: ways };
}

/** `matchesCase` as a query. */
export function caseQuery(filter: CaseFilter, seeing: Seeing, now: number): Filter<IndexDoc> {
  const clauses: Filter<IndexDoc>[] = [visibilityFilter(seeing)];
  for (const field of ['stage', 'level', 'risk', 'category', 'status'] as const) {
    const value = filter[field];
    if (value !== undefined) clauses.push({ [field]: value });
  }
  if (filter.centreId !== undefined) clauses.push({ centrePath: filter.centreId });
  if (filter.overdue !== undefined) clauses.push(overdueFilter(filter.overdue, now));
  if (filter.assignedTo !== null) clauses.push(assignedFilter(filter.assignedTo));
  const text = textFilter(filter);
  if (text) clauses.push(text);
  return allOf(clauses);
}

export class QueryCaseReads implements CaseReads {
  readonly kind = 'queries';

  constructor(
    private readonly models: Models,
    /** Told of every query issued (the index check). */
    private readonly observe: (query: IssuedQuery) => void = () => undefined,
  ) {}

  private get index(): Collection<IndexDoc> {
    return this.models.CaseIndex.collection as unknown as Collection<IndexDoc>;
  }

  private async find(filter: Filter<IndexDoc>, sort: Sort | null, range: Range = { skip: 0, limit: null }): Promise<MirroredCase[]> {
    this.observe({ filter, sort });
    let cursor = this.index.find(filter, { projection: { seenBy: 0 } });
    if (sort) cursor = cursor.sort(sort);
    if (range.skip > 0) cursor = cursor.skip(range.skip);
    if (range.limit !== null) cursor = cursor.limit(range.limit);
    return (await cursor.toArray()).map((doc) => mirroredCase(doc as unknown as CaseIndexEntry));
  }

  private count(filter: Filter<IndexDoc>): Promise<number> {
    this.observe({ filter, sort: null });
    return this.index.countDocuments(filter);
  }

  private async page(filter: Filter<IndexDoc>, sort: Sort, range: Range): Promise<CasePage> {
    const [entries, total] = await Promise.all([this.find(filter, sort, range), this.count(filter)]);
    return { entries, total };
  }

  async search(filter: CaseFilter, seeing: Seeing, now: number, range: Range): Promise<CasePage> {
    const base = caseQuery(filter, seeing, now);
    if (filter.sort === 'received') return this.page(base, NEWEST_FIRST, range);
    // Deadline order: overdue, then the soonest deadline, then none; each part is one indexed query.
    const parts = [allOf([base, overdueFilter(true, now)]), allOf([base, overdueFilter(false, now), { deadline: { $ne: null } }]), allOf([base, overdueFilter(false, now), { deadline: null }])];
    const totals = await Promise.all(parts.map((part) => this.count(part)));
    const entries: MirroredCase[] = [];
    let skip = range.skip;
    let left = range.limit;
    for (const [i, part] of parts.entries()) {
      const size = totals[i]!;
      if (skip >= size) {
        skip -= size;
        continue;
      }
      if (left !== null && left <= 0) break;
      const found = await this.find(part, SOONEST_DEADLINE, { skip, limit: left === null ? null : Math.min(left, size - skip) });
      entries.push(...found);
      if (left !== null) left -= found.length;
      skip = 0;
    }
    return { entries, total: totals.reduce((a, b) => a + b, 0) };
  }

  async documentsOf(ids: readonly string[]): Promise<CaseDocument[]> {
    if (ids.length === 0) return [];
    const docs = await this.models.Case.find({ _id: { $in: [...ids] } }).lean<CaseDocument[]>();
    const byId = new Map(docs.map((doc) => [doc._id, withCurrentShape(doc)]));
    return ids.map((id) => byId.get(id)).filter((doc): doc is CaseDocument => doc !== undefined);
  }

  async idOfNumber(caseNumber: string): Promise<string | null> {
    const filter = { caseNumber };
    this.observe({ filter, sort: null });
    const found = await this.index.findOne(filter, { projection: { _id: 1 } });
    return found ? String(found._id) : null;
  }

  async numbersOf(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const filter = { _id: { $in: [...ids] } };
    this.observe({ filter, sort: null });
    const found = await this.index.find(filter, { projection: { caseNumber: 1 } }).toArray();
    return new Map(found.map((doc) => [String(doc._id), String(doc.caseNumber)]));
  }

  openUnder(centreId: string): Promise<number> {
    return this.count({ centrePath: centreId, status: { $ne: 'closed' } });
  }

  /**
   * MongoDB counts and lists; the process receives a few hundred rows whatever the size of
   * the subtree: the counts grouped by what the dashboard counts, the first overdue cases and
   * missed deadlines with their totals, the cases with orders owed (few), and for the median
   * the two times of each closed case.
   */
  async dashboard(centreIds: readonly string[], now: number, listLimit = DASHBOARD_LIST_LIMIT): Promise<DashboardCounts> {
    const centres = [...centreIds];
    const covered = new Set(centres);
    const tally = new DashboardTally((id) => covered.has(id), now, listLimit);
    const held = { centreId: { $in: centres } };
    const resolved = { ...held, duplicateOf: null };
    const overdue = { ...resolved, status: 'open', $or: [{ overdue: true }, { deadline: { $lt: now } }] };
    const missed = { breachedBy: { $in: centres } };
    const [groups, duplicates, overdueFirst, overdueCount, missedFirst, missedCount, owing, closings] = await Promise.all([
      this.aggregate<{ _id: Partial<AlikeCases>; n: number }>(resolved, { $group: { _id: { stage: '$stage', level: '$level', risk: '$risk', status: '$status', breached: '$breached', rating: '$rating' }, n: { $sum: 1 } } }),
      this.count({ ...held, duplicateOf: { $ne: null } }),
      this.find(overdue, SOONEST_DEADLINE, { skip: 0, limit: listLimit }),
      this.count(overdue),
      this.find(missed, NEWEST_FIRST, { skip: 0, limit: listLimit }),
      this.count(missed),
      this.find({ ...held, 'unansweredOrders.centreId': { $in: centres } }, null),
      this.times({ ...resolved, status: 'closed', closedAt: { $ne: null } }),
    ]);
    for (const group of groups) tally.addAlike({ breached: false, rating: null, ...group._id } as AlikeCases, group.n);
    tally.addDuplicates(duplicates);
    tally.addOverdueList(overdueFirst, overdueCount);
    tally.addMissedList(missedFirst, missedCount);
    for (const entry of owing) tally.addOrdersOf(entry);
    for (const { closedAt, receivedAt } of closings) tally.addTimeToClose(closedAt - receivedAt);
    return tally.counts();
  }

  private aggregate<T extends Document>(match: Filter<IndexDoc>, group: Document): Promise<T[]> {
    this.observe({ filter: match, sort: null });
    return this.index.aggregate<T>([{ $match: match }, group]).toArray();
  }

  /** Two numbers per closed case, for the median time to close (MongoDB 7's `$median` would spare even these). */
  private async times(filter: Filter<IndexDoc>): Promise<{ closedAt: number; receivedAt: number }[]> {
    this.observe({ filter, sort: null });
    return this.index.find(filter, { projection: { _id: 0, closedAt: 1, receivedAt: 1 } }).toArray() as unknown as Promise<{ closedAt: number; receivedAt: number }[]>;
  }

  async loads(role: AssigneeRole): Promise<Map<string, number>> {
    const field = role === 'mediator' ? 'mediatorId' : 'expertId';
    const match = { status: 'open', [field]: { $ne: null } };
    this.observe({ filter: match, sort: null });
    const rows = await this.index.aggregate<{ _id: string; n: number }>([{ $match: match }, { $group: { _id: `$${field}`, n: { $sum: 1 } } }]).toArray();
    return new Map(rows.map((row) => [row._id, row.n]));
  }

  received(query: ReceivedQuery, range: Range): Promise<CasePage> {
    const clauses: Filter<IndexDoc>[] = [query.numbers ? { caseNumber: { $in: query.numbers } } : { receivedAt: { $gte: query.start, $lte: query.end } }];
    if (query.category !== undefined) clauses.push({ category: query.category });
    if (query.status !== undefined) clauses.push({ status: query.status });
    return this.page(allOf(clauses), NEWEST_FIRST, range);
  }

  duplicatesOf(caseId: string): Promise<MirroredCase[]> {
    return this.find({ duplicateOf: caseId }, NEWEST_FIRST);
  }

  openOfCategorySince(category: string, since: number): Promise<MirroredCase[]> {
    return this.find({ category, status: 'open', receivedAt: { $gte: since } }, NEWEST_FIRST);
  }

  /** `awaitsViewer` as a count. */
  waitingFor(viewer: Viewer): Promise<number> {
    switch (viewer.role) {
      case 'admin':
      case 'mediator':
      case 'grid_worker':
        return viewer.centreId === undefined ? Promise.resolve(0) : this.count({ centreId: viewer.centreId, status: 'open', stage: { $in: ['intake', 'escalation'] } });
      case 'department':
        return viewer.departmentId === undefined ? Promise.resolve(0) : this.count({ workingDepartmentId: viewer.departmentId, status: 'open' });
      case 'expert':
        return this.count({ status: 'open', expertId: viewer.personId, stage: 'expert_consultation' });
      case 'resident':
        return Promise.resolve(0);
    }
  }
}
