import type { Models } from '../src/db/models';
import { chooseAssignee, loadsOf, visibleTo, type AssignedCase, type AssigneeRole, type OriginalCase, type Viewer } from '../src/domain';
import type { CaseIndexEntry } from '../src/db/case-index';

export interface ChooseAssigneeInput {
  caseId: string;
  /** The case's centre path, city first: candidates sit at the case's centre or above. */
  centrePath: string[];
  specialty: string;
  /** A person named by staff; verified rather than chosen. */
  preferredId: string | null;
}


export function createAssignmentActivities(models: Models) {
  /**
   * The loads of these candidates (loadsOf in src/domain/assignment.ts), from one query
   * over the slim case_index for all of them: every filter other than `_id` is a scan on
   * FerretDB, so one scan instead of one each.
   */
  async function loadsOfCandidates(role: AssigneeRole, personIds: string[]): Promise<Map<string, number>> {
    const field = role === 'mediator' ? 'mediatorId' : 'expertId';
    const open = await models.CaseIndex.find({ status: 'open', [field]: { $in: personIds } }, { status: 1, mediatorId: 1, expertId: 1 }).lean<AssignedCase[]>();
    return loadsOf(role, open);
  }

  async function choose(role: AssigneeRole, input: ChooseAssigneeInput): Promise<string | null> {
    if (input.preferredId !== null) {
      const person = await models.Person.findById(input.preferredId).lean();
      const eligible = person !== null && person.active !== false && person.role === role && input.centrePath.includes(person.centreId);
      return eligible ? input.preferredId : null;
    }
    // A deactivated person is no longer given cases (filtered here: `$ne` is no cheaper on FerretDB).
    const pool = (await models.Person.find({ role, centreId: { $in: input.centrePath } }).lean()).filter((p) => p.active !== false);
    if (pool.length === 0) return null;
    const candidates = pool.map((p) => ({ id: p._id, centreId: p.centreId, specialties: p.specialties }));
    const loads = await loadsOfCandidates(role, candidates.map((p) => p.id));
    return chooseAssignee(candidates, input.centrePath, input.specialty, loads);
  }

  return {
    chooseMediator: (input: ChooseAssigneeInput) => choose('mediator', input),
    chooseExpert: (input: ChooseAssigneeInput) => choose('expert', input),
    /** The centre a department works with, or null when there is no such department. */
    async departmentOf(input: { departmentId: string }): Promise<{ centreId: string } | null> {
      const department = await models.Department.findById(input.departmentId, { centreId: 1 }).lean();
      return department ? { centreId: department.centreId } : null;
    },
    /**
     * The case a duplicate would point at, as the person linking them may know it: its
     * number and status, what it is itself a duplicate of, and whether they may see it
     * (the visibility rule, over its case_index entry and the centres' paths). Null: no such case.
     */
    async originalCaseOf(input: { caseId: string; viewer: Viewer }): Promise<OriginalCase | null> {
      const entry = await models.CaseIndex.findById(input.caseId).lean<CaseIndexEntry>();
      if (!entry) return null;
      const centres = await models.Centre.find({}, { path: 1 }).lean<{ _id: string; path: string[] }[]>();
      const paths = new Map(centres.map((centre) => [centre._id, centre.path]));
      const parties = { ...entry, heldBy: entry.heldBy ?? [entry.centreId], departmentIds: entry.departmentIds ?? [] };
      return {
        caseId: entry._id,
        caseNumber: entry.caseNumber,
        status: entry.status,
        duplicateOf: entry.duplicateOf ?? null,
        visible: visibleTo(parties, input.viewer, (id) => paths.get(id)),
      };
    },
    /** A centre's path from the city down, or null when there is no such open centre: where a transfer goes. */
    async centrePathOf(input: { centreId: string }): Promise<string[] | null> {
      const centre = await models.Centre.findById(input.centreId, { path: 1, closedAt: 1 }).lean();
      // A closed centre takes no new cases: it is no transfer target.
      return centre && !centre.closedAt ? [...centre.path] : null;
    },
  };
}
