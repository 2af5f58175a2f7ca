import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
  log,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import {
  applyAction,
  checkAction,
  defaultSpecialtyOf,
  duplicateLinkCheck,
  isFinished,
  newCase,
  nextTimer,
  onTimer,
  withCurrentShape,
  type Actor,
  type CaseAction,
  type CaseState,
  type Refusal,
  type Transition,
} from '../src/domain';
import type { CaseActivities } from '../activities';
import { caseActionUpdate, caseStateQuery, REFUSAL_TYPES, type ActionRequest, type CaseWorkflowInput } from './definitions';
import {
  CASE_CATEGORY,
  CASE_CENTRE,
  CASE_CENTRE_PATH,
  CASE_LEVEL,
  CASE_OVERDUE,
  CASE_RISK,
  CASE_STAGE,
} from './search-attributes';

/**
 * Writes to MongoDB must never be given up on: a case is not allowed to lose a
 * transition because the database was down for a while. They retry until it
 * is back (each write is idempotent, keyed on case id + event sequence).
 *
 * They run as local activities: in the worker, inside the workflow task that
 * asked for them, recorded as a marker. A write takes a few milliseconds, and
 * a regular activity costs two more round trips through the Temporal server
 * (schedule, poll, complete, then a second workflow task) than the write
 * itself, and on a loaded server each of those waits its turn
 * (docs/performance-log.md, change 9). Local activities are retried by the
 * worker while the database is away (the workflow task is kept alive
 * meanwhile) and, past localRetryThreshold, after a durable timer; if the
 * worker dies, the workflow task times out and another worker runs the
 * idempotent write again.
 */
const PERSISTENCE_RETRY = { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' } as const;

const persistence = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '30 seconds',
  localRetryThreshold: '10 seconds',
  retry: PERSISTENCE_RETRY,
});

/** Choosing a person is a read: bounded retries, then the action is refused with a reason. */
const assignment = proxyLocalActivities<CaseActivities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** Runs async handlers one at a time, so two updates never interleave around an activity. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

function refusal(check: Refusal): ApplicationFailure {
  return ApplicationFailure.create({
    type: REFUSAL_TYPES[check.code],
    message: check.reason,
    nonRetryable: true,
  });
}

export async function caseWorkflow(input: CaseWorkflowInput): Promise<CaseState> {
  const mutex = new Mutex();
  let state: CaseState;
  // Bumped on every change, so the deadline loop recomputes its timer.
  let version = 0;

  const commit = async (transition: Transition): Promise<void> => {
    if (transition.events.length === 0) return;
    state = transition.state;
    version += 1;
    await persistence.recordTransition({ state, events: transition.events });
    upsertSearchAttributes(searchAttributesOf(state));
  };

  // The opening write takes the mutex before any handler exists. An update that
  // arrives in the workflow's first task is handed to its handler the moment the
  // handler is registered, so the opening must already be first in line: no action
  // is applied before the case exists in MongoDB. Handlers are still registered
  // before the first await, so an update sent right after the start finds them.
  let opening: Promise<void> | undefined;
  if (input.resumeState) {
    state = withCurrentShape(input.resumeState);
  } else {
    const opened = newCase(input.opening);
    state = opened.state;
    opening = mutex.run(async () => {
      await persistence.recordCaseOpened({ intake: input.intake, state: opened.state, events: opened.events, audit: input.intakeAudit });
      upsertSearchAttributes(searchAttributesOf(opened.state));
    });
  }

  setHandler(caseStateQuery, () => state);

  setHandler(
    caseActionUpdate,
    (request: ActionRequest) =>
      mutex.run(async () => {
        // The state may have moved on while this update waited for the lock: check again.
        const check = checkAction(state, request.action, request.actor, Date.now());
        if (!check.ok) throw refusal(check);
        const action = await resolveAssignees(state, request.action, request.actor);
        // What the lookups filled in is checked too (a transfer's target must be a peer).
        const resolved = checkAction(state, action, request.actor, Date.now());
        if (!resolved.ok) throw refusal(resolved);
        await commit(applyAction(state, action, request.actor, Date.now()));
        return state;
      }),
    {
      validator: (request: ActionRequest) => {
        const check = checkAction(state, request.action, request.actor, Date.now());
        if (!check.ok) throw refusal(check);
      },
    },
  );

  await opening;

  while (!isFinished(state, Date.now())) {
    const due = nextTimer(state);
    const seen = version;
    const changed = due
      ? await condition(() => version !== seen || workflowInfo().continueAsNewSuggested, Math.max(due.at - Date.now(), 1))
      : (await condition(() => version !== seen || workflowInfo().continueAsNewSuggested), true);
    if (!changed) {
      await mutex.run(async () => {
        if (version !== seen) return; // an action got there first
        await commit(onTimer(state, Date.now()));
      });
    }
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      log.info('continuing as new', { caseId: state.caseId, seq: state.seq });
      await continueAsNew<typeof caseWorkflow>({ ...input, resumeState: state });
    }
  }
  await condition(allHandlersFinished);
  return state;
}

/**
 * assign_mediator and request_expert may leave the person to the system: pick
 * one (specialty match, least load, at the centre or above) or verify the one
 * named, then apply the action with the id filled in. A transfer's target centre
 * and a department's centre are looked up the same way.
 */
async function resolveAssignees(state: CaseState, action: CaseAction, actor: Actor): Promise<CaseAction> {
  if (action.type === 'assign_mediator') {
    const specialty = defaultSpecialtyOf(state);
    const mediatorId = await assignment.chooseMediator({
      caseId: state.caseId,
      centrePath: state.centrePath,
      specialty,
      preferredId: action.mediatorId ?? null,
    });
    if (!mediatorId) {
      throw refusal({
        ok: false,
        code: 'conflict',
        reason: action.mediatorId
          ? `Mediator ${action.mediatorId} is not in the mediator pool of this centre or above`
          : `No mediator is available at this centre or above`,
      });
    }
    return { ...action, mediatorId };
  }
  if (action.type === 'request_expert') {
    const specialty = action.specialty ?? defaultSpecialtyOf(state);
    const expertId = await assignment.chooseExpert({
      caseId: state.caseId,
      centrePath: state.centrePath,
      specialty,
      preferredId: action.expertId ?? null,
    });
    if (!expertId) {
      throw refusal({
        ok: false,
        code: 'conflict',
        reason: action.expertId
          ? `Expert ${action.expertId} is not an expert of this centre or above`
          : `No expert with specialty ${specialty} is available at this centre or above`,
      });
    }
    return { ...action, specialty, expertId };
  }
  if (action.type === 'transfer') {
    // Never the caller's path: the centre is looked up, and an unknown one refused with a reason.
    const toCentrePath = await assignment.centrePathOf({ centreId: action.toCentreId });
    if (!toCentrePath) throw refusal({ ok: false, code: 'invalid', reason: `toCentreId: there is no centre ${action.toCentreId}` });
    return { ...action, toCentrePath };
  }
  if (action.type === 'mark_duplicate') {
    // Never the caller's word: the original is looked up, and must be open and visible to the person linking.
    const viewer = { personId: actor.personId, role: actor.role, ...(actor.centreId ? { centreId: actor.centreId } : {}), ...(actor.departmentId ? { departmentId: actor.departmentId } : {}) };
    const original = await assignment.originalCaseOf({ caseId: action.originalCaseId, viewer });
    const check = duplicateLinkCheck(state.caseId, original);
    if (!check.ok || original === null) throw refusal(check.ok ? { ok: false, code: 'invalid', reason: 'originalCaseId: there is no such case' } : check);
    return { ...action, original };
  }
  if (action.type === 'assign_department') {
    const department = await assignment.departmentOf({ departmentId: action.departmentId });
    if (!department) throw refusal({ ok: false, code: 'invalid', reason: `departmentId: there is no department ${action.departmentId}` });
    return { ...action, departmentCentreId: department.centreId };
  }
  return action;
}

function searchAttributesOf(state: CaseState): SearchAttributeUpdatePair[] {
  return [
    { key: CASE_STAGE, value: state.stage },
    { key: CASE_LEVEL, value: state.level },
    { key: CASE_CENTRE, value: state.centreId },
    { key: CASE_CENTRE_PATH, value: state.centrePath },
    { key: CASE_RISK, value: state.risk },
    { key: CASE_OVERDUE, value: state.overdue },
    { key: CASE_CATEGORY, value: state.category },
  ];
}
