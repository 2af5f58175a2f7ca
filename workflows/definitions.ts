import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { Actor, AuditEntry, CaseAction, CaseState, IntakeDetails, NewCaseInput } from '../src/domain';


/**
 * The case workflow's messages, shared by the workflow and its callers
 * (API, tests, benchmarks). Everything that moves a case is an Update, so a
 * refused action is rejected by the validator before it reaches history.
 */

export interface CaseWorkflowInput {
  /** The case as intake created it; `now` is when it was received. */
  opening: NewCaseInput;
  intake: IntakeDetails;
  /**
   * The audit record of the request that opened the case. The opening write stores it with
   * the case, keyed by and filled in with the case id, so a case never exists without its
   * intake record, however the API fares after the start.
   */
  intakeAudit: AuditEntry;
  /** Carried across continue-as-new: the state to resume from (events already written). */
  resumeState?: CaseState;
}

export interface ActionRequest {
  action: CaseAction;
  actor: Actor;
}

/** Failure types a refused action carries; the API maps them to 403 / 409 / 400. */
export const REFUSAL_TYPES = {
  forbidden: 'CaseActionForbidden',
  conflict: 'CaseActionConflict',
  invalid: 'CaseActionInvalid',
} as const;

export const caseActionUpdate = defineUpdate<CaseState, [ActionRequest]>('caseAction');
export const caseStateQuery = defineQuery<CaseState>('caseState');
