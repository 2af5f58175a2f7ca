/** Acting on a case: a quick local check, then the workflow decides; every attempt is audited. */
import { checkAction, type CaseAction, type Refusal } from '../../domain';
import { findCaseDocument } from '../../db/models';
import { CaseActionRefused, CaseWorkflowGone } from '../../temporal/cases';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, problems, PROBLEM_TYPES } from '../problem';
import { writeAudit } from '../audit';
import { loadProjection } from './queries';
import type { ActionBody, CaseView } from './schemas';
import { canSee, caseView, namesOf } from './view';

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

const REFUSAL_STATUS: Record<Refusal['code'], { status: number; type: string; title: string }> = {
  forbidden: { status: 403, type: PROBLEM_TYPES.forbidden, title: 'Forbidden' },
  conflict: { status: 409, type: PROBLEM_TYPES.conflict, title: 'Conflict with the case state' },
  invalid: { status: 400, type: PROBLEM_TYPES.validation, title: 'Invalid request' },
};

function refusalProblem(code: Refusal['code'], reason: string): HttpProblem {
  return new HttpProblem({ ...REFUSAL_STATUS[code], detail: reason, reason });
}

/**
 * Runs an action through the workflow (the authority) and answers with the case as
 * GET shows it. A fast local check answers 403 without touching Temporal.
 */
export async function performAction(ctx: ApiContext, caller: Caller, caseId: string, body: ActionBody): Promise<CaseView> {
  const action: CaseAction = body;
  const audit = (outcome: string, status: number, detail: Record<string, unknown> = {}) =>
    writeAudit(ctx, { actor: caller, action: action.type, caseId, outcome, status, detail });

  const doc = await loadProjection(ctx, caseId);
  if (!doc) {
    await audit('not_found', 404);
    throw problems.notFound(`No case ${caseId}`);
  }
  const local = checkAction(doc, action, caller, Date.now());
  if (!local.ok && local.code === 'forbidden') {
    await audit('refused', 403, { code: local.code, reason: local.reason });
    // Someone who cannot see the case learns nothing beyond "not yours".
    throw canSee(doc, caller) ? refusalProblem('forbidden', local.reason) : problems.forbidden('You may not act on this case');
  }

  const actor = { kind: 'person' as const, personId: caller.personId, role: caller.role, ...(caller.centreId ? { centreId: caller.centreId } : {}), ...(caller.centrePath ? { centrePath: caller.centrePath } : {}) };
  try {
    await ctx.cases.actOnCase(caseId, { action, actor });
  } catch (error) {
    if (error instanceof CaseActionRefused) {
      const problem = refusalProblem(error.code, error.reason);
      await audit('refused', problem.problem.status, { code: error.code, reason: error.reason });
      throw problem;
    }
    if (error instanceof CaseWorkflowGone) {
      await audit('refused', 409, { code: 'closed', reason: 'case is closed' });
      throw problems.caseClosed();
    }
    await audit('error', 503, { error: (error as Error).name });
    throw error;
  }
  // The audit record and the read of the projection the update has just written are independent: one round trip, not two.
  const [updated] = await Promise.all([findCaseDocument(ctx.db.models, caseId), audit('ok', 200)]);
  if (!updated) throw new Error(`case ${caseId} vanished after an action`);
  const names = await namesOf(ctx, [updated.mediatorId, updated.expertId]);
  return caseView(updated, caller, names);
}
