/**
 * Whom the system gives a case to when staff name nobody: the rule both the worker
 * (which chooses) and the people list (which shows each person's load) follow.
 */
import type { CaseStatus } from './lifecycle';

/** The people the system can assign to a case. */
export const ASSIGNEE_ROLES = ['mediator', 'expert'] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

/** What the load rule reads of a case. */
export interface AssignedCase {
  status: CaseStatus;
  mediatorId: string | null;
  expertId: string | null;
}

/** A person's load: the open cases they are assigned to in this role. Derived, never stored. */
export function loadsOf(role: AssigneeRole, cases: Iterable<AssignedCase>): Map<string, number> {
  const loads = new Map<string, number>();
  for (const c of cases) {
    if (c.status !== 'open') continue;
    const id = role === 'mediator' ? c.mediatorId : c.expertId;
    if (id !== null) loads.set(id, (loads.get(id) ?? 0) + 1);
  }
  return loads;
}

export interface Candidate {
  id: string;
  centreId: string;
  specialties: readonly string[];
}

/**
 * The candidate to assign: specialists in the case's specialty if there are any, then
 * the least loaded, then the nearest centre (a town mediator before a city one), then
 * by id so the choice is stable. Null when nobody is in the pool.
 */
export function chooseAssignee(pool: readonly Candidate[], centrePath: readonly string[], specialty: string, loads: ReadonlyMap<string, number>): string | null {
  const specialists = pool.filter((p) => p.specialties.includes(specialty));
  const candidates = specialists.length > 0 ? specialists : pool;
  const depth = (centreId: string): number => centrePath.indexOf(centreId);
  const scored = candidates.map((p) => ({ id: p.id, depth: depth(p.centreId), load: loads.get(p.id) ?? 0 }));
  scored.sort((a, b) => a.load - b.load || b.depth - a.depth || a.id.localeCompare(b.id));
  return scored[0]?.id ?? null;
}
