import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { DEADLINE_STAGES, Organisation, RISKS, SEED_CENTRES, SEED_PEOPLE, type Actor, type CaseAction, type CaseState, type SlaPolicy } from '../../src/domain';
import { caseActionUpdate } from '../../workflows/definitions';
import type { caseWorkflow } from '../../workflows';

export const ORG = new Organisation(SEED_CENTRES);

/** A seeded person as the API would present them to the workflow. */
export function seeded(personId: string): Actor {
  const person = SEED_PEOPLE.find((p) => p.id === personId);
  if (!person) throw new Error(`no seeded person ${personId}`);
  return { kind: 'person', personId, role: person.role, centreId: person.centreId, centrePath: ORG.pathOf(person.centreId) };
}

export type CaseHandle = WorkflowHandle<typeof caseWorkflow>;

export function act(handle: CaseHandle, actor: Actor, action: CaseAction): Promise<CaseState> {
  return handle.executeUpdate(caseActionUpdate, { args: [{ action, actor }] });
}

/** The refusal an update came back with: its failure type and reason. */
export async function refusalOf(promise: Promise<unknown>): Promise<{ type: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      return { type: error.cause.type ?? '', message: error.cause.message };
    }
    throw error;
  }
  throw new Error('expected the update to be refused, but it was accepted');
}


/** Every stage gets the same short duration: for tests that watch deadlines pass. */
export function uniformPolicy(durationMs: number, warnAt = 0.5, reopenWindowMs = durationMs): SlaPolicy {
  const durations = {} as SlaPolicy['durations'];
  for (const stage of DEADLINE_STAGES) {
    durations[stage] = Object.fromEntries(RISKS.map((risk) => [risk, durationMs])) as SlaPolicy['durations'][typeof stage];
  }
  return { version: `test-uniform-${durationMs}ms`, warnAt, durations, reopenWindow: reopenWindowMs };
}
