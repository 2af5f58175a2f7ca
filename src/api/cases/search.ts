/**
 * Which cases a list shows and in what order: one filter (`CaseFilter`), built once per
 * request from the query, and the rule of matching over one case (`matchesCase`), which
 * the memory read store applies as it is and the queries read store translates into
 * MongoDB's (src/api/reads/queries.ts); the contract test holds the two to the same answers.
 */
import { FirstOf, isOverdueAt, visibleTo, type PathOf, type Viewer } from '../../domain';
import { newestFirst, type MirroredCase } from '../../db/case-mirror';
import { phoneKeyOf } from '../../db/phone-key';
import type { ListQuery } from './schemas';
import type { CasePage, Range } from '../reads/case-reads';

export type CaseSort = 'received' | 'deadline';

/** A list query, normalised: free text lower-cased, a phone number turned into its key. */
export interface CaseFilter {
  stage?: string;
  level?: string;
  risk?: string;
  category?: string;
  status?: string;
  /** The case is held in this centre's subtree. */
  centreId?: string;
  overdue?: boolean;
  /** Lower-cased: found in the case number, title, description or complainant's name. */
  text: string | null;
  /** The text read as a phone number (src/db/phone-key.ts): the complainant's number, whole. */
  phoneKey: string | null;
  /** Only cases this person works on: as mediator, expert or handler. */
  assignedTo: Viewer | null;
  sort: CaseSort;
}

export function caseFilterOf(query: Partial<ListQuery>, viewer: Viewer): CaseFilter {
  const filter: CaseFilter = {
    text: query.q ? query.q.toLowerCase() : null,
    phoneKey: query.q ? phoneKeyOf(query.q) : null,
    assignedTo: query.assignedTo === 'me' ? viewer : null,
    sort: query.sort ?? 'received',
  };
  if (query.stage) filter.stage = query.stage;
  if (query.level) filter.level = query.level;
  if (query.risk) filter.risk = query.risk;
  if (query.category) filter.category = query.category;
  if (query.status) filter.status = query.status;
  if (query.centreId) filter.centreId = query.centreId;
  if (query.overdue !== undefined) filter.overdue = query.overdue;
  return filter;
}

/**
 * The person who handles the case now: its acceptor while the case is still at the centre
 * that accepted it and the acceptor still works there, or staff of the department working on it.
 */
export function isHandledBy(entry: MirroredCase, viewer: Viewer): boolean {
  const accepted = entry.acceptedBy;
  if (accepted && accepted.personId === viewer.personId && accepted.centreId === entry.centreId && entry.centreId === viewer.centreId) return true;
  return viewer.role === 'department' && viewer.departmentId !== undefined && entry.workingDepartmentId === viewer.departmentId;
}

/** "My cases": assigned to me as mediator or expert (asked, or who answered), or handled by me. */
export function isAssignedTo(entry: MirroredCase, viewer: Viewer): boolean {
  const me = viewer.personId;
  return entry.mediatorId === me || entry.expertId === me || entry.opinionExpertId === me || isHandledBy(entry, viewer);
}

function matchesText(entry: MirroredCase, filter: CaseFilter): boolean {
  if (filter.text === null) return true;
  if (filter.phoneKey !== null && entry.complainantPhoneKey === filter.phoneKey) return true;
  const text = filter.text;
  return (
    entry.caseNumber.toLowerCase().includes(text) ||
    entry.title.toLowerCase().includes(text) ||
    (entry.complainantName?.toLowerCase().includes(text) ?? false) ||
    (entry.description?.toLowerCase().includes(text) ?? false)
  );
}

/** Whether one case passes the filter for this viewer: every condition must hold (the plain fields first, the cheapest to fail). */
export function matchesCase(entry: MirroredCase, filter: CaseFilter, viewer: Viewer, pathOf: PathOf, now: number): boolean {
  if (filter.stage !== undefined && entry.stage !== filter.stage) return false;
  if (filter.level !== undefined && entry.level !== filter.level) return false;
  if (filter.risk !== undefined && entry.risk !== filter.risk) return false;
  if (filter.category !== undefined && entry.category !== filter.category) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.centreId !== undefined && !entry.centrePath.includes(filter.centreId)) return false;
  if (filter.overdue !== undefined && isOverdueAt(entry, now) !== filter.overdue) return false;
  if (filter.assignedTo !== null && !isAssignedTo(entry, filter.assignedTo)) return false;
  return visibleTo(entry, viewer, pathOf) && matchesText(entry, filter);
}

/** Deadline order: overdue first, then the soonest deadline, then cases with none; ties newest first. */
export function soonestDeadlineFirst(now: number): (a: MirroredCase, b: MirroredCase) => number {
  const rank = (c: MirroredCase): number => (isOverdueAt(c, now) ? 0 : c.deadline !== null ? 1 : 2);
  return (a, b) => {
    const byRank = rank(a) - rank(b);
    if (byRank !== 0) return byRank;
    const byDeadline = (a.deadline ?? 0) - (b.deadline ?? 0);
    return byDeadline !== 0 ? byDeadline : newestFirst(a, b);
  };
}

export function caseOrder(sort: CaseSort, now: number): (a: MirroredCase, b: MirroredCase) => number {
  return sort === 'deadline' ? soonestDeadlineFirst(now) : newestFirst;
}

/**
 * The in-memory implementation: one page of the matching cases in the filter's order, and
 * how many match. `ordered` is newest received first (the copy keeps it so), so a list in
 * that order sorts nothing, and a list by deadline keeps only the cases up to the page's end.
 */
export function pageInMemory(ordered: readonly MirroredCase[], filter: CaseFilter, viewer: Viewer, pathOf: PathOf, now: number, range: Range): CasePage {
  const end = range.limit === null ? Number.POSITIVE_INFINITY : range.skip + range.limit;
  if (filter.sort === 'received') {
    const entries: MirroredCase[] = [];
    let total = 0;
    for (const entry of ordered) {
      if (!matchesCase(entry, filter, viewer, pathOf, now)) continue;
      if (total >= range.skip && total < end) entries.push(entry);
      total += 1;
    }
    return { entries, total };
  }
  // Oldest first: older cases tend to have the earlier deadlines, so after the first few
  // most cases fail one comparison with the page's last instead of entering the page.
  const first = new FirstOf<MirroredCase>(end, caseOrder(filter.sort, now));
  for (let i = ordered.length - 1; i >= 0; i -= 1) {
    const entry = ordered[i] as MirroredCase;
    if (matchesCase(entry, filter, viewer, pathOf, now)) first.add(entry);
  }
  return { entries: first.items.slice(range.skip), total: first.count };
}

/** Every matching case of any collection, in the filter's order. */
export function searchInMemory(entries: Iterable<MirroredCase>, filter: CaseFilter, viewer: Viewer, pathOf: PathOf, now: number): MirroredCase[] {
  return pageInMemory([...entries].sort(newestFirst), filter, viewer, pathOf, now, { skip: 0, limit: null }).entries;
}

/**
 * A case waiting for this person's part, as the navigation's badge counts them: for
 * centre staff, open at their own centre and not yet accepted there; for department
 * staff, being worked on by their department; for an expert, a question put to them.
 */
export function awaitsViewer(entry: MirroredCase, viewer: Viewer): boolean {
  if (entry.status !== 'open') return false;
  switch (viewer.role) {
    case 'admin':
    case 'mediator':
    case 'grid_worker':
      return entry.centreId === viewer.centreId && (entry.stage === 'intake' || entry.stage === 'escalation');
    case 'department':
      return viewer.departmentId !== undefined && entry.workingDepartmentId === viewer.departmentId;
    case 'expert':
      return entry.expertId === viewer.personId && entry.stage === 'expert_consultation';
    case 'resident':
      return false;
  }
}
