/**
 * What a case's clocks do by themselves. The workflow asks `nextTimer` when it must wake
 * next, sleeps on a workflow timer until then (or until someone acts), and hands the
 * moment it woke to `onTimer`, which applies everything due by then in time order. A
 * worker that was down across a weekend wakes late, never early: every moment here is
 * absolute, computed when the clock started.
 */
import { spanEnd, isWorkingTimePolicy, type DeadlinePolicy } from './deadline-policy';
import { pauseClock, resumeClock } from './handling-clock';
import {
  andThen,
  currentVisit,
  emit,
  endReopenWindow,
  escalate,
  feedbackTimeout,
  onDeadline,
  onWarning,
  parentPath,
  pausedClockTime,
  replaceCurrentVisit,
  SYSTEM,
  withCurrentDeadline,
  type ActorOrSystem,
  type CaseState,
  type Transition,
} from './lifecycle';
import { issueSupervision, lapseSupervision, supervisingCentreOf, type AutomaticSupervisionReason } from './supervision';

export type TimerKind =
  // The first release's policy: each stage's warning and deadline.
  | 'warning'
  | 'deadline'
  // Working-time policies.
  | 'acknowledgement'
  | 'handling_warning'
  | 'handling_limit'
  | 'expert_window'
  | 'feedback_window'
  | 'reopen_window'
  | 'pause_end'
  | 'supervision_reply';

export interface Timer {
  at: number;
  kind: TimerKind;
  /** The supervision order a `supervision_reply` timer is for. */
  orderId?: string;
}

const NOTHING = (state: CaseState): Transition => ({ state, events: [] });

/** The next moment the workflow must act by itself, or null when nothing is pending. */
export function nextTimer(state: CaseState): Timer | null {
  if (!isWorkingTimePolicy(state.slaPolicy)) return stageTimer(state);
  let next: Timer | null = null;
  for (const timer of workingTimeTimers(state)) if (next === null || timer.at < next.at) next = timer;
  return next;
}

/** Applies every timer due at `now`; nothing when none is (a late duplicate does no harm). */
export function onTimer(state: CaseState, now: number): Transition {
  if (!isWorkingTimePolicy(state.slaPolicy)) return onStageTimer(state, now);
  const policy = state.slaPolicy;
  let result = NOTHING(state);
  // Each timer handled removes itself; the bound only guards against a rule that would not.
  for (let step = 0; step < 64; step += 1) {
    const timer = nextTimer(result.state);
    if (timer === null || timer.at > now) break;
    result = andThen(result, (current) => fire(current, policy, timer, now));
  }
  return result;
}

// ---------------------------------------------------------------------------------------
// The first release: one deadline per stage, which escalates when it passes
// ---------------------------------------------------------------------------------------

function stageTimer(state: CaseState): Timer | null {
  if (state.deadline === null) return null;
  const visit = currentVisit(state);
  if (state.warnAt !== null && !visit.warned && state.warnAt < state.deadline) return { at: state.warnAt, kind: 'warning' };
  return { at: state.deadline, kind: 'deadline' };
}

function onStageTimer(state: CaseState, now: number): Transition {
  const timer = stageTimer(state);
  if (timer === null) return NOTHING(state);
  // A warning that comes due only after its deadline (a worker was down, say) is moot: act on the deadline.
  const warnNow = timer.kind === 'warning' && state.deadline !== null && now < state.deadline;
  return warnNow ? onWarning(state, now) : onDeadline(state, now);
}

// ---------------------------------------------------------------------------------------
// Working time
// ---------------------------------------------------------------------------------------

function workingTimeTimers(state: CaseState): Timer[] {
  const timers: Timer[] = [];
  const visit = currentVisit(state);
  const owesStep = visit.deadline !== null && !visit.breached;
  if (owesStep && (state.stage === 'intake' || state.stage === 'escalation')) timers.push({ at: visit.deadline!, kind: 'acknowledgement' });
  if (owesStep && state.stage === 'expert_consultation') timers.push({ at: visit.deadline!, kind: 'expert_window' });
  if (state.stage === 'feedback' && visit.deadline !== null) timers.push({ at: visit.deadline, kind: 'feedback_window' });
  if (state.stage === 'closed' && state.reopenUntil !== null) timers.push({ at: state.reopenUntil, kind: 'reopen_window' });
  const clock = state.handling;
  if (clock?.warnAt != null && !clock.warned) timers.push({ at: clock.warnAt, kind: 'handling_warning' });
  if (clock?.deadline != null) timers.push({ at: clock.deadline, kind: 'handling_limit' });
  if (state.pause) timers.push({ at: state.pause.until, kind: 'pause_end' });
  for (const order of state.supervisions) if (order.status === 'open') timers.push({ at: order.replyBy, kind: 'supervision_reply', orderId: order.id });
  return timers;
}

function fire(state: CaseState, policy: DeadlinePolicy, timer: Timer, now: number): Transition {
  switch (timer.kind) {
    case 'acknowledgement':
      return acknowledgementMissed(state, policy, now);
    case 'handling_warning':
      return handlingWarning(state, policy, now);
    case 'handling_limit':
      return handlingLimitPassed(state, now);
    case 'expert_window':
      return expertOverdue(state, now);
    case 'feedback_window':
      return feedbackTimeout(state, now);
    case 'reopen_window':
      return endReopenWindow(state, now);
    case 'pause_end':
      return resume(state, SYSTEM, now);
    case 'supervision_reply': {
      const order = state.supervisions.find((each) => each.id === timer.orderId);
      return order ? lapseSupervision(state, order, SYSTEM, now) : NOTHING(state);
    }
    default:
      throw new Error(`A working-time case has no ${timer.kind} timer`);
  }
}

function markVisitBreached(state: CaseState): CaseState {
  return { ...state, visits: replaceCurrentVisit(state, { ...currentVisit(state), breached: true }) };
}

function superviseAutomatically(state: CaseState, policy: DeadlinePolicy, reason: AutomaticSupervisionReason, now: number): Transition {
  const order = { reason, replyBy: spanEnd(policy, policy.supervisionReply, now), byCentreId: supervisingCentreOf(state) };
  return issueSupervision(state, order, SYSTEM, now);
}

/** Acceptance is late: the centre is warned and the level above told; the case stays where it is. */
function acknowledgementMissed(state: CaseState, policy: DeadlinePolicy, now: number): Transition {
  const visit = currentVisit(state);
  const missed = emit(state, markVisitBreached(state), 'acknowledgement_missed', SYSTEM, now, {
    deadline: visit.deadline,
    stageMissed: state.stage,
    supervisingCentreId: supervisingCentreOf(state),
    alert: true,
  });
  if (!policy.superviseOn.acknowledgementMissed) return missed;
  return andThen(missed, (current) => superviseAutomatically(current, policy, 'acknowledgement_missed', now));
}

function handlingWarning(state: CaseState, policy: DeadlinePolicy, now: number): Transition {
  const clock = state.handling!;
  const warned = withCurrentDeadline({ ...state, handling: { ...clock, warned: true, warnAt: null } });
  // Reached only after the limit itself (a worker was down): the limit acts, a warning would say nothing.
  if (clock.deadline !== null && clock.deadline <= now) return NOTHING(warned);
  const warning = emit(state, warned, 'deadline_warning', SYSTEM, now, { clock: 'handling', deadline: clock.deadline, warnAt: clock.warnAt });
  if (!policy.superviseOn.handlingWarning) return warning;
  return andThen(warning, (current) => superviseAutomatically(current, policy, 'handling_warning', now));
}

/** The handling limit passed: up one level by itself; at the city, flagged for people. */
function handlingLimitPassed(state: CaseState, now: number): Transition {
  const clock = state.handling!;
  const detail = { reason: 'handling_limit_passed', automatic: true, deadline: clock.deadline, limit: clock.limit, stageMissed: state.stage };
  if (state.level !== 'city') return escalate(state, parentPath(state), SYSTEM, now, detail, true);
  const flagged = withCurrentDeadline({ ...markVisitBreached(state), overdue: true, handling: { ...clock, deadline: null, warnAt: null } });
  return emit(state, flagged, 'overdue_at_top', SYSTEM, now, { alert: true, deadline: clock.deadline, stageMissed: state.stage });
}

function expertOverdue(state: CaseState, now: number): Transition {
  const visit = currentVisit(state);
  return emit(state, markVisitBreached(state), 'expert_overdue', SYSTEM, now, { expertId: state.expertId, deadline: visit.deadline, alert: true });
}

// ---------------------------------------------------------------------------------------
// Pausing the handling clock (the actions live in actions.ts; the end of a pause is a timer)
// ---------------------------------------------------------------------------------------

export function pause(state: CaseState, pauseFields: Omit<NonNullable<CaseState['pause']>, 'since'>, actor: ActorOrSystem, now: number): Transition {
  const policy = state.slaPolicy;
  if (!isWorkingTimePolicy(policy) || state.handling === null) throw new Error('Only a running handling clock can be paused');
  const paused = withCurrentDeadline({ ...state, handling: pauseClock(policy, state.handling, now), pause: { ...pauseFields, since: now } });
  return emit(state, paused, 'clock_paused', actor, now, { reason: pauseFields.reason, note: pauseFields.note, until: pauseFields.until });
}

export function resume(state: CaseState, actor: ActorOrSystem, now: number): Transition {
  const policy = state.slaPolicy;
  if (!isWorkingTimePolicy(policy) || state.pause === null || state.handling === null) return NOTHING(state);
  const pausedFor = pausedClockTime(policy, state.pause.since, now);
  const resumed = withCurrentDeadline({ ...state, handling: resumeClock(policy, state.handling, now), pause: null, pausedMs: state.pausedMs + pausedFor });
  return emit(state, resumed, 'clock_resumed', actor, now, { pausedFor, automatic: actor.kind === 'system', deadline: resumed.handling?.deadline ?? null });
}
