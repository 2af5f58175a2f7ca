/**
 * The case workflow as callers see it: start a case, act on it, read it, describe it.
 * Every call passes the workflow function and its message definitions, so the arguments
 * are type-checked against the workflow itself, and Temporal's errors come back as the
 * three things a caller must tell apart: refused (with the domain's reason), gone (the
 * workflow has ended), or a failure to retry.
 */
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { CaseState, Refusal } from '../domain';
import { caseWorkflow } from '../../workflows/case-workflow';
import { caseActionUpdate, caseStateQuery, REFUSAL_TYPES, type ActionRequest, type CaseWorkflowInput } from '../../workflows/definitions';

/** The workflow refused the action: who (forbidden), when (conflict) or what (invalid). */
export class CaseActionRefused extends Error {
  constructor(
    readonly code: Refusal['code'],
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'CaseActionRefused';
  }
}

/** The case's workflow has ended (closed and past its reopen window) or never existed. */
export class CaseWorkflowGone extends Error {
  constructor(readonly caseId: string) {
    super(`The workflow of case ${caseId} has ended`);
    this.name = 'CaseWorkflowGone';
  }
}

export interface CaseWorkflowSummary {
  runId: string;
  status: string;
  historyLength: number;
}

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

export interface StartOptions {
  /**
   * A start that repeats an idempotent intake finds the running case instead of a second
   * one, and learns when the case ran and ended under the same id.
   */
  idempotent?: boolean;
}

function isGone(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  const message = (error as Error | undefined)?.message ?? '';
  return /workflow execution already completed|workflow not found/i.test(message);
}

function refusalOf(error: unknown): CaseActionRefused | null {
  if (!(error instanceof WorkflowUpdateFailedError) || !(error.cause instanceof ApplicationFailure)) return null;
  const type = error.cause.type;
  const code = (Object.keys(REFUSAL_TYPES) as Refusal['code'][]).find((key) => REFUSAL_TYPES[key] === type);
  return code ? new CaseActionRefused(code, error.cause.message) : null;
}

export interface CaseWorkflows {
  /** Starts the case's workflow; `ended` when an idempotent start finds the case already run and finished. */
  startCase(input: CaseWorkflowInput, options?: StartOptions): Promise<{ ended: boolean; handle: CaseHandle }>;
  /** Runs one action through the workflow; throws CaseActionRefused or CaseWorkflowGone. */
  actOnCase(caseId: string, request: ActionRequest): Promise<CaseState>;
  /** The workflow's own state of the case; throws CaseWorkflowGone. */
  queryCase(caseId: string): Promise<CaseState>;
  /** The workflow's run, status and history length; null when it is gone. */
  describeCase(caseId: string): Promise<CaseWorkflowSummary | null>;
  handleOf(caseId: string): CaseHandle;
}

export function caseWorkflows(client: Client, taskQueue: string): CaseWorkflows {
  const handleOf = (caseId: string): CaseHandle => client.workflow.getHandle<typeof caseWorkflow>(caseId);
  return {
    handleOf,

    async startCase(input, options = {}) {
      const workflowId = input.opening.caseId;
      const reuse = options.idempotent ? { workflowIdConflictPolicy: 'USE_EXISTING' as const, workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {};
      try {
        const handle = await client.workflow.start(caseWorkflow, { taskQueue, workflowId, args: [input], ...reuse });
        return { ended: false, handle };
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError) || !options.idempotent) throw error;
        return { ended: true, handle: handleOf(workflowId) };
      }
    },

    async actOnCase(caseId, request) {
      try {
        return await handleOf(caseId).executeUpdate(caseActionUpdate, { args: [request] });
      } catch (error) {
        const refused = refusalOf(error);
        if (refused) throw refused;
        if (isGone(error)) throw new CaseWorkflowGone(caseId);
        throw error;
      }
    },

    async queryCase(caseId) {
      try {
        return await handleOf(caseId).query(caseStateQuery);
      } catch (error) {
        if (isGone(error)) throw new CaseWorkflowGone(caseId);
        throw error;
      }
    },

    async describeCase(caseId) {
      try {
        const described = await handleOf(caseId).describe();
        return { runId: described.runId, status: described.status.name, historyLength: described.historyLength };
      } catch (error) {
        if (isGone(error)) return null;
        throw error;
      }
    },
  };
}
