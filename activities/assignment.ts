import type { Models } from '../src/db/models';
import type { CaseMirror } from '../src/db/case-mirror';

export interface ChooseAssigneeInput {
  caseId: string;
  /** The case's centre path, city first: candidates sit at the case's centre or above. */
  centrePath: string[];
  specialty: string;
  /** A person named by staff; verified rather than chosen. */
  preferredId: string | null;
}

type AssigneeRole = 'mediator' | 'expert';

/**
 * `cases` is the worker's copy of `case_index` (src/db/case-mirror.ts), brought
 * up to date through the change log before each use.
 */
export function createAssignmentActivities(models: Models, cases: CaseMirror) {
  /**
   * Open cases each person is currently assigned to: their load. Derived, never
   * stored. Counted in the worker's copy of case_index: on FerretDB a query on
   * case_index decodes every entry, 1.2 s per choice at 10,000 cases, and the
   * action waited for it (docs/performance.md, change 21).
   */
  async function loadsOf(role: AssigneeRole, personIds: string[]): Promise<Map<string, number>> {
    const loads = new Map<string, number>(personIds.map((id) => [id, 0]));
    for (const entry of await cases.current()) {
      if (entry.status !== 'open') continue;
      const id = role === 'mediator' ? entry.mediatorId : entry.expertId;
      const load = id === null ? undefined : loads.get(id);
      if (load !== undefined && id !== null) loads.set(id, load + 1);
    }
    return loads;
  }

  async function choose(role: AssigneeRole, input: ChooseAssigneeInput): Promise<string | null> {
    if (input.preferredId !== null) {
      const person = await models.Person.findById(input.preferredId).lean();
      const eligible = person !== null && person.role === role && input.centrePath.includes(person.centreId);
      return eligible ? input.preferredId : null;
    }
    const pool = await models.Person.find({ role, centreId: { $in: input.centrePath } }).lean();
    if (pool.length === 0) return null;
    const specialists = pool.filter((p) => p.specialties.includes(input.specialty));
    const candidates = specialists.length > 0 ? specialists : pool;
    // Nearest centre first (a town mediator before a city one), then least loaded, then id for a stable choice.
    const depth = (centreId: string): number => input.centrePath.indexOf(centreId);
    const loads = await loadsOf(role, candidates.map((p) => p._id));
    const scored = candidates.map((p) => ({ id: p._id, depth: depth(p.centreId), load: loads.get(p._id) ?? 0 }));
    scored.sort((a, b) => a.load - b.load || b.depth - a.depth || a.id.localeCompare(b.id));
    return scored[0]?.id ?? null;
  }

  return {
    chooseMediator: (input: ChooseAssigneeInput) => choose('mediator', input),
    chooseExpert: (input: ChooseAssigneeInput) => choose('expert', input),
  };
}
