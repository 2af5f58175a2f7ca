import type { CaseIndexDoc } from './models';

/**
 * The `case_index` entry of a case: what lists, filters, visibility rules and
 * the dashboard read, derived from the `cases` projection by one pure function
 * that every writer uses (the worker's activities, the start-up backfill, the
 * bench's direct seeding), so the two collections cannot drift by construction.
 */

/** The projection fields the entry is derived from, as `cases` stores them (a lean document) or as an activity writes them. */
export interface IndexedProjection {
  _id: string;
  caseNumber: string;
  category: string;
  centreId: string;
  centrePath: readonly string[];
  stage: string;
  status: string;
  level: string;
  risk: string;
  lastSeq: number;
  deadline?: Date | null;
  overdue?: boolean | null;
  closedAt?: Date | null;
  rating?: number | null;
  updatedAt?: Date | null;
  reportedById?: string | null;
  mediatorId?: string | null;
  expertId?: string | null;
  /** `Mixed` in the schema: `{ expertId, text, at }` or null. */
  opinion?: unknown;
  visits?: readonly { breached?: boolean | null }[] | null;
  // Written once, when the case opens; a transition's write leaves them out.
  title?: string | null;
  receivedAt?: Date | null;
  complainant?: { personId?: string | null } | null;
}

export type CaseIndexEntry = Omit<CaseIndexDoc, 'title' | 'receivedAt' | 'complainantId' | 'centrePath'> & {
  _id: string;
  centrePath: string[];
  /** Absent when derived from a transition's write, which does not carry the fields set at opening. */
  title?: string | null;
  receivedAt?: Date | null;
  complainantId?: string | null;
};

/** The entry fields only the opening write of a case carries; an entry without them is incomplete. */
export const OPENING_ONLY_FIELDS = ['title', 'receivedAt', 'complainantId'] as const;

export function isCompleteEntry(entry: CaseIndexEntry): boolean {
  return OPENING_ONLY_FIELDS.every((field) => entry[field] !== undefined);
}

function opinionExpertOf(opinion: unknown): string | null {
  if (typeof opinion !== 'object' || opinion === null) return null;
  const expertId = (opinion as { expertId?: unknown }).expertId;
  return typeof expertId === 'string' ? expertId : null;
}

/** Derives the index entry from a case projection; pure. */
export function caseIndexEntry(projection: IndexedProjection): CaseIndexEntry {
  const entry: CaseIndexEntry = {
    _id: projection._id,
    caseNumber: projection.caseNumber,
    category: projection.category,
    centreId: projection.centreId,
    centrePath: [...projection.centrePath],
    stage: projection.stage,
    status: projection.status,
    level: projection.level,
    risk: projection.risk,
    deadline: projection.deadline ?? null,
    overdue: Boolean(projection.overdue),
    closedAt: projection.closedAt ?? null,
    rating: projection.rating ?? null,
    // The dashboard counts a closed case "on time" when no stage visit breached its deadline.
    breached: (projection.visits ?? []).some((visit) => Boolean(visit.breached)),
    reportedById: projection.reportedById ?? null,
    mediatorId: projection.mediatorId ?? null,
    expertId: projection.expertId ?? null,
    opinionExpertId: opinionExpertOf(projection.opinion),
    lastSeq: projection.lastSeq,
    updatedAt: projection.updatedAt ?? null,
  };
  if (projection.title !== undefined) entry.title = projection.title;
  if (projection.receivedAt !== undefined) entry.receivedAt = projection.receivedAt;
  if (projection.complainant !== undefined) entry.complainantId = projection.complainant?.personId ?? null;
  return entry;
}
