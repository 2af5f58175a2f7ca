import type { Models } from '../src/db/models';

export interface ChooseAssigneeInput {
  caseId: string;
  /** The case's centre path, city first: candidates sit at the case's centre or above. */
  centrePath: string[];
  specialty: string;
  /** A person named by staff; verified rather than chosen. */
  preferredId: string | null;
}

type AssigneeRole = 'mediator' | 'expert';

export function createAssignmentActivities(models: Models) {
  /**
   * Open cases each person is currently assigned to: their load. Derived, never
   * stored. One query over the slim case_index for all candidates: every filter
   * other than `_id` is a scan on FerretDB, so one scan instead of one each.
   */
  async function loadsOf(role: AssigneeRole, personIds: string[]): Promise<Map<string, number>> {
    const field = role === 'mediator' ? 'mediatorId' : 'expertId';
    const open = await models.CaseIndex.find({ status: 'open', [field]: { $in: personIds } }, { [field]: 1 }).lean();
    const loads = new Map<string, number>(personIds.map((id) => [id, 0]));
    for (const entry of open) {
      const id = (entry as Record<string, unknown>)[field];
      if (typeof id === 'string') loads.set(id, (loads.get(id) ?? 0) + 1);
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
