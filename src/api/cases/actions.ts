/** Acting on a case: a quick local check, then the workflow decides; every attempt is audited. */
import { caseActionScope, checkAction, whoMayTake, type CaseAction, type CaseDocument, type PathOf, type Refusal } from '../../domain';
import { findCaseDocument } from '../../db/models';
import { CaseActionRefused, CaseWorkflowGone } from '../../temporal/cases';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, problems, PROBLEM_TYPES, type Message } from '../problem';
import { writeAudit } from '../audit';
import { withClaimedFiles } from '../files/uploads';
import { casePage, loadProjection, NO_SUCH_CASE } from './queries';
import type { ActionBody, CaseView } from './schemas';
import { canSee, caseView, seesReadOnly } from './view';

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

const REFUSAL_STATUS: Record<Refusal['code'], { status: number; type: string; title: string }> = {
  forbidden: { status: 403, type: PROBLEM_TYPES.forbidden, title: 'Forbidden' },
  conflict: { status: 409, type: PROBLEM_TYPES.conflict, title: 'Conflict with the case state' },
  invalid: { status: 400, type: PROBLEM_TYPES.validation, title: 'Invalid request' },
};

/** A refusal the workflow made (a race with another change): its reason is English only, so the person reads a plain one. */
const REFUSED = { zh: '您现在不能对此案件办理该操作。', en: 'You may not take this action on this case now.' };

function refusalProblem(code: Refusal['code'], reason: string, message: Message | undefined = code === 'forbidden' ? REFUSED : undefined): HttpProblem {
  return new HttpProblem({ ...REFUSAL_STATUS[code], detail: reason, reason, ...(message ? { message } : {}) });
}

/**
 * Why this caller may not take this action, as they should read it: someone who cannot
 * see the case learns nothing beyond "not yours"; staff of a centre the case has left
 * learn where it went; anyone else, who may take it.
 */
async function forbiddenProblem(ctx: ApiContext, doc: CaseDocument, caller: Caller, action: CaseAction, reason: string, pathOf: PathOf): Promise<HttpProblem> {
  if (!canSee(doc, caller, pathOf)) return problems.forbidden('You may not act on this case', { zh: '您无权办理此案件。', en: 'You may not act on this case.' });
  if (seesReadOnly(doc, caller, pathOf)) {
    const holder = (await ctx.centres.get(doc.centreId))?.name ?? { zh: doc.centreId, en: doc.centreId };
    const message = {
      zh: `此案件已移交${holder.zh}，您可查看进展和结果，但不能再办理。`,
      en: `This case has moved to ${holder.en}; you can follow it and see its outcome, but no longer act on it.`,
    };
    return problems.readOnly(`The case has moved to ${doc.centreId}; your centre keeps read-only sight of it`, message, doc.centreId);
  }
  const who = whoMayTake(action.type);
  return refusalProblem('forbidden', reason, { zh: `只有${who.zh}可以办理此操作。`, en: `Only ${who.en} can take this action.` });
}

/** The person an action names (the mediator assigned, the expert asked), the record's subject. */
function personNamedBy(action: CaseAction): string | null {
  if (action.type === 'assign_mediator') return action.mediatorId ?? null;
  if (action.type === 'request_expert') return action.expertId ?? null;
  return null;
}

/**
 * Runs an action through the workflow (the authority) and answers with the case as
 * GET shows it. A fast local check answers 403 without touching Temporal.
 */
export async function performAction(ctx: ApiContext, caller: Caller, caseId: string, body: ActionBody, address: string | null = null): Promise<CaseView> {
  const action: CaseAction = body;
  // The centres the record concerns: the case's (as it was when asked), the actor's, and a transfer's other end.
  let scope: string[] = [...(caller.centrePath ?? [])];
  const audit = (outcome: string, status: number, detail: Record<string, unknown> = {}) =>
    writeAudit(ctx, { actor: caller, action: action.type, caseId, outcome, status, detail, subjectId: personNamedBy(action), scope, address });

  const [doc, pathOf] = await Promise.all([loadProjection(ctx, caseId), ctx.centres.paths()]);
  if (doc) scope = caseActionScope(doc.centrePath, caller.centrePath, action, doc.transfer?.fromCentrePath, pathOf);
  if (!doc) {
    await audit('not_found', 404);
    throw problems.notFound(`No case ${caseId}`, NO_SUCH_CASE);
  }
  const local = checkAction(doc, action, caller, Date.now());
  if (!local.ok && local.code === 'forbidden') {
    await audit('refused', 403, { code: local.code, reason: local.reason });
    throw await forbiddenProblem(ctx, doc, caller, action, local.reason, pathOf);
  }

  const actor = { kind: 'person' as const, personId: caller.personId, role: caller.role, ...(caller.centreId ? { centreId: caller.centreId } : {}), ...(caller.centrePath ? { centrePath: caller.centrePath } : {}), ...(caller.departmentId ? { departmentId: caller.departmentId } : {}) };
  try {
    // Files the action names are claimed for the case first; only their ids go to the workflow.
    const files = 'files' in action ? action.files : undefined;
    await withClaimedFiles(ctx, caller, caseId, files, 'body.files', () => ctx.cases.actOnCase(caseId, { action, actor }));
  } catch (error) {
    if (error instanceof CaseActionRefused) {
      const problem = refusalProblem(error.code, error.reason);
      await audit('refused', problem.problem.status, { code: error.code, reason: error.reason });
      throw problem;
    }
    if (error instanceof HttpProblem) {
      // The files it named were not the caller's to attach.
      await audit('refused', error.problem.status, { code: 'invalid', reason: error.problem.detail });
      throw error;
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
  return caseView(await casePage(ctx, updated, caller), caller);
}
