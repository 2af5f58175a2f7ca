/**
 * The case lifecycle as a pure state machine: the shape of a case, how a case opens, how
 * it moves between stages and centres, and what its timers do. The actions people take
 * are one table, in actions.ts. The Temporal workflow uses both as a reducer
 * (state + action → state + events) and the HTTP API uses `checkAction`/`allowedActions`
 * to answer 403/409 and to draw buttons, so both agree on every rule.
 *
 * No clocks, no randomness, no I/O: time arrives as epoch milliseconds.
 */
import { CATEGORIES, type CategoryCode, type CaseKind, type Specialty } from './categories';
import { levelOfPath, levelRank, type Level } from './organisation';
import type { Risk, RiskFactor } from './risk';
import { stageDeadline, warningTime, type SlaPolicy } from './sla';
import { clockTimeBetween, isWorkingTimePolicy, spanEnd, type DeadlinePolicy } from './deadline-policy';
import { clockAfterMove, type HandlingClock } from './handling-clock';
import type { DepartmentTask } from './departments';
import { withFiles, type CaseFile } from './files';

export { STAGES, type Stage } from './stages';
import { isDeadlineStage, type Stage } from './stages';

/** `department`: staff of a department that owns fixes (departments.ts), not of a centre. */
export const ROLES = ['resident', 'grid_worker', 'mediator', 'expert', 'admin', 'department'] as const;
export type Role = (typeof ROLES)[number];

export const CASE_STATUSES = ['open', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export interface Actor {
  kind: 'person';
  personId: string;
  role: Role;
  centreId?: string;
  /** pathOf(centreId), filled in by the API. */
  centrePath?: string[];
  /** Department staff: their department. */
  departmentId?: string;
}
export type SystemActor = { kind: 'system' };
export type ActorOrSystem = Actor | SystemActor;
export const SYSTEM: SystemActor = { kind: 'system' };

export const REFERRALS = ['litigation', 'arbitration', 'petition', 'other'] as const;
export type Referral = (typeof REFERRALS)[number];
export const OUTCOMES = ['agreement', 'failure', 'disposed'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const FEEDBACK_STATUSES = ['pending', 'rated', 'no_response'] as const;
export type FeedbackStatus = (typeof FEEDBACK_STATUSES)[number];

export interface AgreementTerm {
  party: string;
  obligation: string;
}

export interface StageVisit {
  stage: Stage;
  centreId: string;
  level: Level;
  enteredAt: number;
  leftAt: number | null;
  deadline: number | null;
  warnAt: number | null;
  warned: boolean;
  breached: boolean;
}

/** The policy a case runs under: the first release's stage-by-stage one, or working time. */
export type CasePolicy = SlaPolicy | DeadlinePolicy;

export const PAUSE_REASONS = ['waiting_for_party', 'waiting_for_documents', 'site_visit', 'other'] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** The handling clock standing still while the centre waits on something outside its control. */
export interface Pause {
  reason: PauseReason;
  note: string | null;
  since: number;
  /** The clock runs again at this moment unless someone resumes it before. */
  until: number;
  by: string;
}

export const SUPERVISION_STATUSES = ['open', 'answered', 'lapsed', 'withdrawn'] as const;
export type SupervisionStatus = (typeof SUPERVISION_STATUSES)[number];

/** A supervision order (督办): a centre above asks the handling centre to deal with the case and reply by a time. */
export interface SupervisionOrder {
  id: string;
  /** The centre that must reply: the one handling the case when the order was issued. */
  centreId: string;
  /** The centre that supervises: one above `centreId`. */
  byCentreId: string;
  /** Person id, or `system` for an order the policy issues by itself. */
  by: string;
  automatic: boolean;
  reason: string;
  issuedAt: number;
  replyBy: number;
  /** lapsed: the reply time passed unanswered (a late reply is still taken); withdrawn: the case left the centre. */
  status: SupervisionStatus;
  reply: { text: string; at: number; by: string; late: boolean } | null;
}

/** A case sent sideways to a peer centre (reported to the wrong place), until that centre accepts or refuses it. */
export interface PendingTransfer {
  fromCentreId: string;
  fromCentrePath: string[];
  /** The stage the case was in at the sending centre, where a refusal puts it back. */
  fromStage: Stage;
  reason: string;
  by: string;
  at: number;
}

export interface ExpertRequest {
  question: string;
  specialty: Specialty;
  requestedAt: number;
  returnStage: 'risk_assessment' | 'mediation';
}

/** The case a duplicate was closed in favour of: its work and its outcome are that case's. */
export interface DuplicateLink {
  caseId: string;
  caseNumber: string;
  at: number;
  by: string;
}

export interface CaseState {
  caseId: string;
  caseNumber: string;
  category: CategoryCode;
  kind: CaseKind;
  /** Person id of the resident (or the grid worker reporting on their behalf). */
  complainantId: string;
  reportedById: string;
  stage: Stage;
  status: CaseStatus;
  /** Owning centre; centrePath runs from the city root down to it. */
  centreId: string;
  centrePath: string[];
  level: Level;
  risk: Risk;
  riskFactors: RiskFactor[];
  riskConfirmed: boolean;
  deadline: number | null;
  warnAt: number | null;
  overdue: boolean;
  mediatorId: string | null;
  expertId: string | null;
  expertRequest: ExpertRequest | null;
  opinion: { expertId: string; text: string; at: number } | null;
  sessions: { at: number; summary: string; by: string }[];
  outcome: Outcome | null;
  agreement: AgreementTerm[] | null;
  failure: { reason: string; referral: Referral } | null;
  disposal: string | null;
  closureSummary: string | null;
  rating: number | null;
  feedbackComment: string | null;
  feedbackStatus: FeedbackStatus | null;
  reopenCount: number;
  reopenUntil: number | null;
  visits: StageVisit[];
  /** The current centre's handling limit; null before the policy had one, and once the centre signed the case off. */
  handling: HandlingClock | null;
  pause: Pause | null;
  /** All ended pauses of the case together, in the clock of the policy's pause allowance (`maxPause`). */
  pausedMs: number;
  supervisions: SupervisionOrder[];
  transfer: PendingTransfer | null;
  /** Every hand-over to a department, oldest first; at most one is being worked on. */
  departmentTasks: DepartmentTask[];
  /** Photos and documents attached to the case (src/domain/files.ts); absent on cases stored before files existed. */
  files?: CaseFile[];
  /** Set when staff closed this case as a report of the same problem as another, open case: that case. */
  duplicateOf: DuplicateLink | null;
  /** Number of events emitted so far. */
  seq: number;
  slaPolicy: CasePolicy;
}

export type EventActor = SystemActor | { kind: 'person'; personId: string; role: Role };

/** Every kind of event a case records; notifications.ts has an entry for each. */
/** The keys of an event's detail that name a person: readers show the person's name. */
export const EVENT_PERSON_KEYS = ['mediatorId', 'expertId', 'personId', 'previousMediatorId'] as const;

export const EVENT_TYPES = [
  'reported',
  'accepted',
  'assessed',
  'escalated',
  'expert_requested',
  'opinion_submitted',
  'mediator_assigned',
  'session_recorded',
  'agreement_recorded',
  'failure_recorded',
  'disposal_recorded',
  'closed_by_centre',
  'feedback_received',
  'reopened',
  'deadline_warning',
  'overdue_at_top',
  'acknowledgement_missed',
  'expert_overdue',
  'clock_paused',
  'clock_resumed',
  'supervision_issued',
  'supervision_replied',
  'supervision_lapsed',
  'transferred',
  'transfer_refused',
  'department_assigned',
  'department_reported',
  'department_refused',
  'feedback_timeout',
  'reopen_window_ended',
  'marked_duplicate',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface CaseEvent {
  seq: number;
  at: number;
  type: EventType;
  /** Stage after the event. */
  stage: Stage;
  /** Stage before the event; null only for `reported`. */
  fromStage: Stage | null;
  actor: EventActor;
  /** Owning centre and level after the event. */
  centreId: string;
  level: Level;
  detail: Record<string, unknown>;
}

export type Refusal = { ok: false; code: 'forbidden' | 'conflict' | 'invalid'; reason: string };
export type Check = { ok: true } | Refusal;

export interface Transition {
  state: CaseState;
  events: CaseEvent[];
}

/** A complainant may reopen at most this many times; after that a low rating is final. */
export const MAX_REOPENS = 2;
/** Ratings at or below this count as dissatisfied and open the reopen window. */
export const DISSATISFIED_RATING = 2;

export const OK: Check = { ok: true };
export const forbidden = (reason: string): Refusal => ({ ok: false, code: 'forbidden', reason });
export const conflict = (reason: string): Refusal => ({ ok: false, code: 'conflict', reason });
export const invalid = (reason: string): Refusal => ({ ok: false, code: 'invalid', reason });

export function firstRefusal(checks: readonly Check[]): Check {
  return checks.find((check) => !check.ok) ?? OK;
}

// ---------------------------------------------------------------------------------------
// Creating a case
// ---------------------------------------------------------------------------------------

export interface NewCaseInput {
  caseId: string;
  caseNumber: string;
  category: CategoryCode;
  complainantId: string;
  reportedById: string;
  centrePath: string[];
  risk: Risk;
  riskFactors: RiskFactor[];
  slaPolicy: CasePolicy;
  now: number;
  /** Files uploaded with the report (ids only). */
  files?: string[];
}

/** A case not (or no longer) resolved: what a new case starts with and a reopen goes back to. */
export const UNRESOLVED = {
  outcome: null,
  agreement: null,
  failure: null,
  disposal: null,
  closureSummary: null,
  rating: null,
  feedbackComment: null,
  feedbackStatus: null,
} as const satisfies Partial<CaseState>;

export function newCase(input: NewCaseInput): Transition {
  const centreId = lastOf(input.centrePath);
  const level = levelOfPath(input.centrePath);
  const visit = openVisit('intake', centreId, level, input.risk, input.slaPolicy, input.now, null);
  const handling = clockAfterMove(null, input.slaPolicy, centreId, level, input.risk, 'intake', input.now);
  const opened: CaseState = {
    caseId: input.caseId,
    caseNumber: input.caseNumber,
    category: input.category,
    kind: CATEGORIES[input.category].kind,
    complainantId: input.complainantId,
    reportedById: input.reportedById,
    stage: 'intake',
    status: 'open',
    centreId,
    centrePath: [...input.centrePath],
    level,
    risk: input.risk,
    riskFactors: input.riskFactors,
    riskConfirmed: false,
    deadline: visit.deadline,
    warnAt: visit.warnAt,
    overdue: false,
    mediatorId: null,
    expertId: null,
    expertRequest: null,
    opinion: null,
    sessions: [],
    ...UNRESOLVED,
    reopenCount: 0,
    reopenUntil: null,
    visits: [visit],
    handling,
    pause: null,
    pausedMs: 0,
    supervisions: [],
    transfer: null,
    departmentTasks: [],
    duplicateOf: null,
    seq: 1,
    slaPolicy: input.slaPolicy,
    ...(input.files && input.files.length > 0 ? { files: withFiles<{ files?: CaseFile[] }>({}, input.files, 'intake', input.reportedById, input.now).files } : {}),
  };
  const state = withCurrentDeadline(opened);
  const reported: CaseEvent = {
    seq: 1,
    at: input.now,
    type: 'reported',
    stage: 'intake',
    fromStage: null,
    actor: { kind: 'system' },
    centreId,
    level,
    detail: { category: input.category, kind: state.kind, risk: input.risk, complainantId: input.complainantId, reportedById: input.reportedById, ...policyDetail(input.slaPolicy) },
  };
  return { state, events: [reported] };
}

/**
 * A state saved before cases had a handling clock, pauses, supervision and transfers (carried across
 * continue-as-new, or stored), in today's shape: none of them yet.
 */
export function withCurrentShape<T extends CaseState>(state: T): T {
  const saved: Partial<CaseState> = state;
  return {
    ...state,
    handling: saved.handling ?? null,
    pause: saved.pause ?? null,
    pausedMs: saved.pausedMs ?? 0,
    supervisions: saved.supervisions ?? [],
    transfer: saved.transfer ?? null,
    departmentTasks: saved.departmentTasks ?? [],
    duplicateOf: saved.duplicateOf ?? null,
  };
}

export function lastOf(path: readonly string[]): string {
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('A centre path must not be empty');
  return last;
}

// ---------------------------------------------------------------------------------------
// Who is who on a case
// ---------------------------------------------------------------------------------------

export function isPerson(actor: ActorOrSystem): actor is Actor {
  return actor.kind === 'person';
}

/**
 * Staff of the owning centre: its mediators and admins, its grid workers when it is a
 * village (grid workers patrol below villages, so they have no standing higher up), and
 * admins of any ancestor centre (an admin acts on their whole subtree). The system too.
 */
export function isStaffOf(state: CaseState, actor: ActorOrSystem): boolean {
  if (!isPerson(actor)) return true;
  if (actor.centreId === undefined) return false;
  if (actor.role === 'admin') return state.centrePath.includes(actor.centreId);
  if (actor.centreId !== state.centreId) return false;
  if (actor.role === 'grid_worker') return state.level === 'village';
  return actor.role === 'mediator';
}

// ---------------------------------------------------------------------------------------
// Stage visits and events
// ---------------------------------------------------------------------------------------

/** The version a case's timeline names: working-time policies count 1, 2, …; the first release's was a string. */
export function policyDetail(policy: CasePolicy): { policyVersion: string | number } {
  return { policyVersion: policy.version };
}

function openVisit(stage: Stage, centreId: string, level: Level, risk: Risk, policy: CasePolicy, now: number, reopenUntil: number | null): StageVisit {
  const visit = { stage, centreId, level, enteredAt: now, leftAt: null, warned: false, breached: false };
  if (isWorkingTimePolicy(policy)) return { ...visit, deadline: stageDeadlineUnder(policy, stage, now, reopenUntil), warnAt: null };
  const timed = isDeadlineStage(stage);
  return {
    ...visit,
    // The closed stage has no SLA; its only timer is the end of the reopen window.
    deadline: timed ? stageDeadline(policy, stage, risk, now) : reopenUntil,
    warnAt: timed ? warningTime(policy, stage, risk, now) : null,
  };
}

/**
 * Under a working-time policy a stage has its own deadline only where someone owes a step
 * in it: acceptance on arrival, the expert's opinion, the complainant's rating, the end of
 * the reopen window. The handling limit spans the stages and lives on the case.
 */
function stageDeadlineUnder(policy: DeadlinePolicy, stage: Stage, now: number, reopenUntil: number | null): number | null {
  switch (stage) {
    case 'intake':
    case 'escalation':
      return spanEnd(policy, policy.acknowledge, now);
    case 'expert_consultation':
      return spanEnd(policy, policy.expertOpinion, now);
    case 'feedback':
      return spanEnd(policy, policy.feedback, now);
    case 'closed':
      return reopenUntil;
    default:
      return null;
  }
}

/**
 * The deadline the case is counted overdue against, and its warning. Under a working-time
 * policy that is the handling limit while a centre handles the case, else the stage's own.
 */
export function withCurrentDeadline(state: CaseState): CaseState {
  const visit = currentVisit(state);
  if (!isWorkingTimePolicy(state.slaPolicy)) return { ...state, deadline: visit.deadline, warnAt: visit.warnAt };
  if (state.handling) return { ...state, deadline: state.handling.deadline, warnAt: state.handling.warned ? null : state.handling.warnAt };
  return { ...state, deadline: visit.deadline, warnAt: null };
}

/** How much of the case's pause allowance the time from `since` to `now` used, in the allowance's own clock. */
export function pausedClockTime(policy: CasePolicy, since: number, now: number): number {
  return isWorkingTimePolicy(policy) ? clockTimeBetween(policy, policy.maxPause, since, now) : 0;
}

/** The moment the reopen window ends after a rating of now. */
export function reopenUntilAfter(policy: CasePolicy, now: number): number {
  return isWorkingTimePolicy(policy) ? spanEnd(policy, policy.reopenWindow, now) : now + policy.reopenWindow;
}

function closeVisit(visit: StageVisit, now: number, forceBreached: boolean): StageVisit {
  const late = visit.deadline !== null && now > visit.deadline;
  return { ...visit, leftAt: now, breached: visit.breached || forceBreached || late };
}

/** The visit for the current stage (the last one). */
export function currentVisit(state: CaseState): StageVisit {
  const visit = state.visits[state.visits.length - 1];
  if (visit === undefined) throw new Error(`Case ${state.caseId} has no stage visits`);
  return visit;
}

export function replaceCurrentVisit(state: CaseState, visit: StageVisit): StageVisit[] {
  return [...state.visits.slice(0, -1), visit];
}

interface MoveOptions {
  centrePath?: string[];
  /** Set when the visit is left because its deadline passed, whatever the clock says. */
  breached?: boolean;
}

/** Leaves the current stage visit and enters `stage`, possibly at another centre. */
export function moveTo(state: CaseState, stage: Stage, now: number, options: MoveOptions = {}): CaseState {
  const centrePath = options.centrePath ?? state.centrePath;
  const centreId = lastOf(centrePath);
  const level = levelOfPath(centrePath);
  const left = closeVisit(currentVisit(state), now, options.breached ?? false);
  const entered = openVisit(stage, centreId, level, state.risk, state.slaPolicy, now, state.reopenUntil);
  const handling = clockAfterMove(state.handling, state.slaPolicy, centreId, level, state.risk, stage, now);
  const leavesCentre = centreId !== state.centreId;
  const endsPause = leavesCentre || handling === null;
  return withCurrentDeadline({
    ...state,
    stage,
    centreId,
    centrePath,
    level,
    visits: [...replaceCurrentVisit(state, left), entered],
    handling,
    // A pause and open supervision orders belong to the centre that had the case.
    pause: endsPause ? null : state.pause,
    pausedMs: endsPause && state.pause ? state.pausedMs + pausedClockTime(state.slaPolicy, state.pause.since, now) : state.pausedMs,
    // Orders to a centre lapse with its part: the case left it, or it signed the case off.
    supervisions: leavesCentre || handling === null ? withdrawOrdersTo(state.supervisions, state.centreId) : state.supervisions,
  });
}

function withdrawOrdersTo(orders: SupervisionOrder[], centreId: string): SupervisionOrder[] {
  return orders.map((order) => (order.centreId === centreId && order.status === 'open' ? { ...order, status: 'withdrawn' } : order));
}

function eventActor(actor: ActorOrSystem): EventActor {
  return isPerson(actor) ? { kind: 'person', personId: actor.personId, role: actor.role } : { kind: 'system' };
}

export function actorId(actor: ActorOrSystem): string {
  return isPerson(actor) ? actor.personId : 'system';
}

/** Records one event for the step `before` → `after`, numbering it after `before`. */
export function emit(before: CaseState, after: CaseState, type: EventType, actor: ActorOrSystem, now: number, detail: Record<string, unknown>): Transition {
  const seq = before.seq + 1;
  const event: CaseEvent = {
    seq,
    at: now,
    type,
    stage: after.stage,
    fromStage: before.stage,
    actor: eventActor(actor),
    centreId: after.centreId,
    level: after.level,
    detail,
  };
  return { state: { ...after, seq }, events: [event] };
}

export function andThen(first: Transition, next: (state: CaseState) => Transition): Transition {
  const second = next(first.state);
  return { state: second.state, events: [...first.events, ...second.events] };
}

// ---------------------------------------------------------------------------------------
// Moving between centres
// ---------------------------------------------------------------------------------------

export function parentPath(state: CaseState): string[] {
  return state.centrePath.slice(0, -1);
}

export function pathAtLevel(state: CaseState, level: Level): string[] {
  return state.centrePath.slice(0, levelRank(level) + 1);
}

export function escalate(state: CaseState, targetPath: string[], actor: ActorOrSystem, now: number, detail: Record<string, unknown>, breached = false): Transition {
  // A pending expert request belongs to the centre that made it; the new centre decides afresh.
  const moved = moveTo({ ...state, expertRequest: null, transfer: null }, 'escalation', now, { centrePath: targetPath, breached });
  const targetLevel = moved.level;
  return emit(state, moved, 'escalated', actor, now, { ...detail, fromCentreId: state.centreId, toCentreId: moved.centreId, targetLevel });
}

// ---------------------------------------------------------------------------------------
// Timers
// ---------------------------------------------------------------------------------------

const NOTHING = (state: CaseState): Transition => ({ state, events: [] });

/**
 * The current stage's deadline has passed (the workflow's timer fired). Overdue work goes up
 * one level by itself; at the top it is flagged for people instead. A no-op when there is
 * no deadline, so a late duplicate timer does no harm.
 */
export function onDeadline(state: CaseState, now: number): Transition {
  if (state.deadline === null) return NOTHING(state);
  if (state.stage === 'feedback') return feedbackTimeout(state, now);
  if (state.stage === 'closed') return endReopenWindow(state, now);
  if (state.level === 'city') return overdueAtTop(state, now);
  const detail = { reason: 'deadline_passed', automatic: true, deadline: state.deadline, stageMissed: state.stage };
  return escalate(state, parentPath(state), SYSTEM, now, detail, true);
}

function overdueAtTop(state: CaseState, now: number): Transition {
  const breachedVisit = { ...currentVisit(state), breached: true };
  // deadline null: nobody higher to escalate to, so the timer must not fire again.
  const next = { ...state, overdue: true, deadline: null, warnAt: null, visits: replaceCurrentVisit(state, breachedVisit) };
  return emit(state, next, 'overdue_at_top', SYSTEM, now, { alert: true, deadline: state.deadline, stageMissed: state.stage });
}

export function feedbackTimeout(state: CaseState, now: number): Transition {
  const next = moveTo({ ...state, status: 'closed', feedbackStatus: 'no_response', reopenUntil: null }, 'closed', now);
  return emit(state, next, 'feedback_timeout', SYSTEM, now, { deadline: state.deadline });
}

export function endReopenWindow(state: CaseState, now: number): Transition {
  const next = { ...state, reopenUntil: null, deadline: null, warnAt: null };
  return emit(state, next, 'reopen_window_ended', SYSTEM, now, { reopenUntil: state.reopenUntil });
}

/** Raises the pre-deadline warning once per stage visit; later calls change nothing. */
export function onWarning(state: CaseState, now: number): Transition {
  const visit = currentVisit(state);
  if (visit.warned || state.warnAt === null || state.deadline === null) return NOTHING(state);
  const next = { ...state, visits: replaceCurrentVisit(state, { ...visit, warned: true }) };
  return emit(state, next, 'deadline_warning', SYSTEM, now, { deadline: state.deadline, warnAt: state.warnAt });
}

// ---------------------------------------------------------------------------------------
// Questions the workflow asks
// ---------------------------------------------------------------------------------------

/** The workflow may complete: closed, and no reopen window still open. */
export function isFinished(state: CaseState, now: number): boolean {
  return state.status === 'closed' && (state.reopenUntil === null || now > state.reopenUntil);
}
