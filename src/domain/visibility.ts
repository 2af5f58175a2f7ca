import type { Role, StageVisit } from './lifecycle';

/** The fields the visibility rule reads, whether from a stored case or its `case_index` entry. */
export interface CaseParties {
  centreId: string;
  centrePath: string[];
  /** Every centre that has held the case, the current one included (from its stage visits). */
  heldBy: string[];
  complainantId: string | null;
  reportedById: string | null;
  mediatorId: string | null;
  expertId: string | null;
  /** The expert who gave the opinion, who keeps seeing the case after the request is closed. */
  opinionExpertId: string | null;
  /** Every department the case was handed to: their staff keep seeing it. */
  departmentIds: string[];
  /** A stand-in for the complainant's phone number (src/db/phone-key.ts): the resident with that number sees the case. */
  complainantPhoneKey?: string | null;
}

export interface Viewer {
  personId: string;
  role: Role;
  centreId?: string;
  departmentId?: string;
  /** A resident's phone number, as its stand-in: cases filed with it are theirs, whoever filed them. */
  phoneKey?: string;
}

/**
 * Where a centre sits: its path from the city down to it, or undefined for a centre
 * nobody knows. A case records only the path of the centre holding it now, so the
 * ancestors of a centre that held it before come from the organisation.
 */
export type PathOf = (centreId: string) => readonly string[] | undefined;

/** The centres that have held a case, each once, in the order they first held it. */
export function centresThatHeld(visits: readonly Pick<StageVisit, 'centreId'>[]): string[] {
  return [...new Set(visits.map((visit) => visit.centreId))];
}

/** A person of the case itself: its complainant or reporter, its assigned mediator or expert. */
function isPartyOf(c: CaseParties, viewer: Viewer): boolean {
  const me = viewer.personId;
  switch (viewer.role) {
    case 'resident':
      return c.complainantId === me || c.reportedById === me || (viewer.phoneKey !== undefined && c.complainantPhoneKey === viewer.phoneKey);
    case 'grid_worker':
      return c.complainantId === me || c.reportedById === me;
    case 'mediator':
      return c.mediatorId === me;
    case 'expert':
      return c.expertId === me || c.opinionExpertId === me;
    case 'department':
      return viewer.departmentId !== undefined && c.departmentIds.includes(viewer.departmentId);
    case 'admin':
      return false;
  }
}

/**
 * Staff of a centre: its mediators and grid workers (grid workers belong to villages),
 * and admins of it or of any centre above it.
 */
function isStaffAt(centreId: string, path: readonly string[], viewer: Viewer): boolean {
  if (viewer.centreId === undefined) return false;
  switch (viewer.role) {
    case 'grid_worker':
    case 'mediator':
      return viewer.centreId === centreId;
    case 'admin':
      return path.includes(viewer.centreId);
    default:
      return false;
  }
}

/**
 * Staff of a centre that held the case before and not of the one holding it now: they
 * keep read-only sight of it, so a village that sent a case up sees how it ended.
 */
export function hasReadOnlySight(c: CaseParties, viewer: Viewer, pathOf: PathOf): boolean {
  if (isStaffAt(c.centreId, c.centrePath, viewer)) return false;
  return c.heldBy.some((centreId) => centreId !== c.centreId && isStaffAt(centreId, pathOf(centreId) ?? [centreId], viewer));
}

/** Who may see a case: its parties, the staff of its centre and above, and those of every centre that held it. */
export function visibleTo(c: CaseParties, viewer: Viewer, pathOf: PathOf): boolean {
  return isPartyOf(c, viewer) || isStaffAt(c.centreId, c.centrePath, viewer) || hasReadOnlySight(c, viewer, pathOf);
}

/** Overdue: flagged by the workflow at the top level, or open past its deadline. */
export function isOverdueAt(c: { overdue: boolean; status: string; deadline: number | null }, now: number): boolean {
  return c.overdue || (c.status === 'open' && c.deadline !== null && c.deadline < now);
}

/**
 * The keys a case is seen by, one per way of seeing it (src/api/reads/queries.ts stores them
 * in `case_index.seenBy`, one multikey index for every viewer's list): `held:` each centre
 * that held it, `complainant:`/`reporter:`/`mediator:`/`expert:` its people, `department:`
 * each department it was handed to. The phone number's stand-in is set only when the case
 * opens, so residents find those cases by `complainantPhoneKey` itself.
 */
export function seenByKeysOf(c: CaseParties): string[] {
  const keys = c.heldBy.map((centreId) => `held:${centreId}`);
  if (c.complainantId !== null) keys.push(`complainant:${c.complainantId}`);
  if (c.reportedById !== null) keys.push(`reporter:${c.reportedById}`);
  if (c.mediatorId !== null) keys.push(`mediator:${c.mediatorId}`);
  for (const expertId of new Set([c.expertId, c.opinionExpertId])) if (expertId !== null) keys.push(`expert:${expertId}`);
  for (const departmentId of c.departmentIds) keys.push(`department:${departmentId}`);
  return keys;
}

/**
 * The keys of `seenByKeysOf` that let this viewer see a case: the same rule as `visibleTo`,
 * given the centres of the viewer's subtree (an admin sees what any of them held).
 */
export function viewerKeysOf(viewer: Viewer, subtree: readonly string[]): string[] {
  const me = viewer.personId;
  const held = (ids: readonly string[]) => ids.map((id) => `held:${id}`);
  switch (viewer.role) {
    case 'resident':
      return [`complainant:${me}`, `reporter:${me}`];
    case 'grid_worker':
      return [`complainant:${me}`, `reporter:${me}`, ...(viewer.centreId === undefined ? [] : held([viewer.centreId]))];
    case 'mediator':
      return [`mediator:${me}`, ...(viewer.centreId === undefined ? [] : held([viewer.centreId]))];
    case 'expert':
      return [`expert:${me}`];
    case 'department':
      return viewer.departmentId === undefined ? [] : [`department:${viewer.departmentId}`];
    case 'admin':
      return viewer.centreId === undefined ? [] : held(subtree);
  }
}
