/**
 * Reports of the same thing: one pure rule decides which open cases look like the same
 * problem as a report (at intake) or as a case (on its page), and one check decides
 * whether a case may be linked to another as its duplicate.
 */
import type { CategoryCode } from './categories';
import { invalid, OK, type Check } from './lifecycle';
import { distanceMetres, pointOf } from './places';

/** The one place the rule's distances and days are set. */
export const DUPLICATE_RULE = {
  /** Two reports this close (metres) may be one problem, whatever village they were filed to. */
  withinMetres: 300,
  /** Only cases received this many days before count: an old case is a new problem happening again. */
  withinDays: 14,
} as const;

const DAY_MS = 24 * 60 * 60 * 1000;

/** What the rule reads of a report or a case. */
export interface Comparable {
  category: CategoryCode;
  /** The village or community the report was filed to. */
  villageId?: string | null;
  lat?: number | null;
  lng?: number | null;
}

/** What the rule reads of a case it may suggest. */
export interface SuggestibleCase extends Comparable {
  id: string;
  status: 'open' | 'closed';
  receivedAt: number;
  /** Set when this case was itself closed as a duplicate (its original's id). */
  duplicateOf?: string | null;
}

export interface Similarity {
  /** Filed to the same village or community. */
  sameVillage: boolean;
  /** Metres between the two points, when both have coordinates. */
  metres: number | null;
}

/** How `other` resembles `report`, or null when the rule says it is not a likely duplicate. */
export function similarity(report: Comparable, other: SuggestibleCase, now: number): Similarity | null {
  if (other.status !== 'open' || other.duplicateOf) return null;
  if (other.category !== report.category) return null;
  if (!(other.receivedAt >= now - DUPLICATE_RULE.withinDays * DAY_MS)) return null;
  const a = pointOf(report);
  const b = pointOf(other);
  const metres = a && b ? distanceMetres(a, b) : null;
  const sameVillage = !!report.villageId && report.villageId === other.villageId;
  if (!sameVillage && (metres === null || metres > DUPLICATE_RULE.withinMetres)) return null;
  return { sameVillage, metres };
}

/** The likely duplicates of a report among `cases`, nearest first (then newest), leaving out the excluded ids. */
export function similarCases<C extends SuggestibleCase>(report: Comparable, cases: Iterable<C>, now: number, exclude: ReadonlySet<string> = new Set()): (C & { similarity: Similarity })[] {
  const found: (C & { similarity: Similarity })[] = [];
  for (const c of cases) {
    if (exclude.has(c.id)) continue;
    const how = similarity(report, c, now);
    if (how) found.push({ ...c, similarity: how });
  }
  const distance = (c: { similarity: Similarity }) => c.similarity.metres ?? Number.POSITIVE_INFINITY;
  return found.sort((a, b) => distance(a) - distance(b) || b.receivedAt - a.receivedAt);
}

/** The case a duplicate points at, as the workflow looked it up for the person linking them. */
export interface OriginalCase {
  caseId: string;
  caseNumber: string;
  status: 'open' | 'closed';
  /** The case it was itself closed as a duplicate of, if any. */
  duplicateOf: string | null;
  /** The person linking may see it (their centre holds it or held it, or they are its party). */
  visible: boolean;
}

/** May case `caseId` be closed as a duplicate of `original`? */
export function duplicateLinkCheck(caseId: string, original: OriginalCase | null): Check {
  if (original === null || !original.visible) return invalid('originalCaseId: there is no such case that you can see');
  if (original.caseId === caseId) return invalid('originalCaseId: a case cannot be a duplicate of itself');
  if (original.duplicateOf === caseId) return invalid('originalCaseId: that case is already a duplicate of this one');
  if (original.status !== 'open') return invalid('originalCaseId: that case is closed; a duplicate joins an open case');
  return OK;
}
