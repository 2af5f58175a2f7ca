/**
 * The case lifecycle as a pure state machine. The Temporal workflow uses it as a reducer
 * (state + action → state + events) and the HTTP API uses `checkAction`/`allowedActions`
 * to answer 403/409 and to draw buttons, so both agree on every rule.
 *
 * No clocks, no randomness, no I/O: time arrives as epoch milliseconds.
 */
import { CATEGORIES, type CategoryCode, type CaseKind, type Specialty } from './categories';
import { levelOfPath, levelRank, type Level } from './organisation';
import { needsHigherLevel, requiredLevelFor, type Risk, type RiskFactor } from './risk';
import { stageDeadline, warningTime, type DeadlineStage, type SlaPolicy } from './sla';

export type Stage =
  | 'intake'
  | 'risk_assessment'
  | 'escalation'
  | 'expert_consultation'
  | 'mediation'
  | 'closure'
  | 'feedback'
  | 'closed';

export const STAGES: readonly Stage[] = [
  'intake',
  'risk_assessment',
  'escalation',
  'expert_consultation',
  'mediation',
  'closure',
  'feedback',
  'closed',
];

export type Role = 'resident' | 'grid_worker' | 'mediator' | 'expert' | 'admin';
export const ROLES: readonly Role[] = ['resident', 'grid_worker', 'mediator', 'expert', 'admin'];

export interface Actor {
  kind: 'person';
  personId: string;
  role: Role;
  centreId?: string;
  /** pathOf(centreId), filled in by the API. */
  centrePath?: string[];
}
export type SystemActor = { kind: 'system' };
export type ActorOrSystem = Actor | SystemActor;
export const SYSTEM: SystemActor = { kind: 'system' };

export type Referral = 'litigation' | 'arbitration' | 'petition' | 'other';
export const REFERRALS: readonly Referral[] = ['litigation', 'arbitration', 'petition', 'other'];
export type Outcome = 'agreement' | 'failure' | 'disposed';
export const OUTCOMES: readonly Outcome[] = ['agreement', 'failure', 'disposed'];

export interface AgreementTerm {
  party: string;
  obligation: string;
}

export type CaseAction =
  | { type: 'accept' }
  | { type: 'assess'; risk: Risk; factors: RiskFactor[]; note?: string }
  | { type: 'escalate'; reason: string }
  | { type: 'request_expert'; question: string; specialty?: Specialty; expertId?: string }
  | { type: 'submit_opinion'; opinion: string }
  | { type: 'assign_mediator'; mediatorId?: string }
  | { type: 'record_session'; summary: string }
  | { type: 'record_agreement'; terms: AgreementTerm[] }
  | { type: 'record_failure'; reason: string; referral: Referral }
  | { type: 'record_disposal'; summary: string }
  | { type: 'close'; summary: string }
  | { type: 'feedback'; rating: number; comment?: string }
  | { type: 'reopen'; reason: string };
export type ActionType = CaseAction['type'];
export type ActionOf<T extends ActionType> = Extract<CaseAction, { type: T }>;

export const ACTION_TYPES: readonly ActionType[] = [
  'accept',
  'assess',
  'escalate',
  'request_expert',
  'submit_opinion',
  'assign_mediator',
  'record_session',
  'record_agreement',
  'record_failure',
  'record_disposal',
  'close',
  'feedback',
  'reopen',
];

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

export interface ExpertRequest {
  question: string;
  specialty: Specialty;
  requestedAt: number;
  returnStage: 'risk_assessment' | 'mediation';
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
  status: 'open' | 'closed';
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
  feedbackStatus: 'pending' | 'rated' | 'no_response' | null;
  reopenCount: number;
  reopenUntil: number | null;
  visits: StageVisit[];
  /** Number of events emitted so far. */
  seq: number;
  slaPolicy: SlaPolicy;
}

export type EventActor = SystemActor | { kind: 'person'; personId: string; role: Role };

export interface CaseEvent {
  seq: number;
  at: number;
  type: string;
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

const OK: Check = { ok: true };
const forbidden = (reason: string): Refusal => ({ ok: false, code: 'forbidden', reason });
const conflict = (reason: string): Refusal => ({ ok: false, code: 'conflict', reason });
const invalid = (reason: string): Refusal => ({ ok: false, code: 'invalid', reason });

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
  slaPolicy: SlaPolicy;
  now: number;
}

/** A case not (or no longer) resolved: what a new case starts with and a reopen goes back to. */
const UNRESOLVED = {
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
  const state: CaseState = {
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
    seq: 1,
    slaPolicy: input.slaPolicy,
  };
  const reported: CaseEvent = {
    seq: 1,
    at: input.now,
    type: 'reported',
    stage: 'intake',
    fromStage: null,
    actor: { kind: 'system' },
    centreId,
    level,
    detail: { category: input.category, kind: state.kind, risk: input.risk, complainantId: input.complainantId, reportedById: input.reportedById },
  };
  return { state, events: [reported] };
}

function lastOf(path: readonly string[]): string {
  const last = path[path.length - 1];
  if (last === undefined) throw new Error('A centre path must not be empty');
  return last;
}

// ---------------------------------------------------------------------------------------
// Who may act
// ---------------------------------------------------------------------------------------

function isPerson(actor: ActorOrSystem): actor is Actor {
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

function isAssignedMediator(state: CaseState, actor: ActorOrSystem): boolean {
  return isPerson(actor) && state.mediatorId !== null && actor.personId === state.mediatorId;
}

function isAssignedExpert(state: CaseState, actor: ActorOrSystem): boolean {
  return isPerson(actor) && actor.role === 'expert' && state.expertId !== null && actor.personId === state.expertId;
}

function isComplainant(state: CaseState, actor: ActorOrSystem): boolean {
  return isPerson(actor) && (actor.role === 'resident' || actor.role === 'grid_worker') && actor.personId === state.complainantId;
}

interface Permission {
  allows: (state: CaseState, actor: ActorOrSystem) => boolean;
  who: string;
}

const STAFF: Permission = { allows: isStaffOf, who: 'staff of the owning centre' };
const MEDIATOR_OR_STAFF: Permission = {
  allows: (state, actor) => isAssignedMediator(state, actor) || isStaffOf(state, actor),
  who: 'the assigned mediator or staff of the owning centre',
};
const ASSIGNED_EXPERT: Permission = { allows: isAssignedExpert, who: 'the assigned expert' };
const COMPLAINANT: Permission = { allows: isComplainant, who: 'the complainant' };

const PERMISSIONS: Record<ActionType, Permission> = {
  accept: STAFF,
  assess: STAFF,
  escalate: STAFF,
  request_expert: STAFF,
  submit_opinion: ASSIGNED_EXPERT,
  assign_mediator: STAFF,
  record_session: MEDIATOR_OR_STAFF,
  record_agreement: MEDIATOR_OR_STAFF,
  record_failure: MEDIATOR_OR_STAFF,
  record_disposal: MEDIATOR_OR_STAFF,
  close: STAFF,
  feedback: COMPLAINANT,
  reopen: COMPLAINANT,
};

function checkPermission(state: CaseState, type: ActionType, actor: ActorOrSystem): Check {
  const permission = PERMISSIONS[type];
  return permission.allows(state, actor) ? OK : forbidden(`Only ${permission.who} can ${type.replace(/_/g, ' ')} on this case`);
}

// ---------------------------------------------------------------------------------------
// When (stage and situation)
// ---------------------------------------------------------------------------------------

/** Stages a case can be escalated from: everything before the centre signs it off. */
export const ESCALATABLE_STAGES: readonly Stage[] = ['intake', 'risk_assessment', 'escalation', 'expert_consultation', 'mediation', 'closure'];

const ACTION_STAGES: Record<ActionType, readonly Stage[]> = {
  accept: ['intake', 'escalation'],
  assess: ['risk_assessment'],
  escalate: ESCALATABLE_STAGES,
  request_expert: ['risk_assessment', 'mediation'],
  submit_opinion: ['expert_consultation'],
  assign_mediator: ['mediation'],
  record_session: ['mediation'],
  record_agreement: ['mediation'],
  record_failure: ['mediation'],
  record_disposal: ['mediation'],
  close: ['closure'],
  feedback: ['feedback'],
  reopen: ['closed'],
};

function checkStage(state: CaseState, type: ActionType): Check {
  if (state.stage === 'closed' && type !== 'reopen') return conflict('Case is closed; only the complainant can reopen it');
  const stages = ACTION_STAGES[type];
  if (stages.includes(state.stage)) return OK;
  return conflict(`Case is in stage ${state.stage}; ${type} is only possible in ${stages.join(' or ')}`);
}

function needsMediator(state: CaseState): Check {
  return state.mediatorId === null ? conflict('No mediator has been assigned yet; assign a mediator first') : OK;
}

function disputeOnly(state: CaseState): Check {
  return state.kind === 'hazard' ? conflict('This case is a hazard; hazards are closed with record_disposal') : OK;
}

function checkReopenWindow(state: CaseState, now: number): Check {
  if (state.rating === null || state.rating > DISSATISFIED_RATING) {
    return conflict(`Only a dissatisfied complainant can reopen (rating ${DISSATISFIED_RATING} or lower)`);
  }
  if (state.reopenCount >= MAX_REOPENS) return conflict(`Case has already been reopened ${MAX_REOPENS} times`);
  if (state.reopenUntil === null || now > state.reopenUntil) return conflict('The window for reopening this case has ended');
  return OK;
}

/** Rules beyond the stage: the situation of the case must also allow the action. */
function checkSituation(state: CaseState, type: ActionType, now: number): Check {
  switch (type) {
    case 'escalate':
      return state.level === 'city' ? conflict('Case is already at the highest level (city)') : OK;
    case 'record_session':
      return needsMediator(state);
    case 'record_agreement':
    case 'record_failure':
      return firstRefusal([disputeOnly(state), needsMediator(state)]);
    case 'record_disposal':
      return state.kind === 'dispute' ? conflict('This case is a dispute; disputes end with record_agreement or record_failure') : OK;
    case 'reopen':
      return checkReopenWindow(state, now);
    default:
      return OK;
  }
}

// ---------------------------------------------------------------------------------------
// What (arguments)
// ---------------------------------------------------------------------------------------

function isBlank(text: string | undefined): boolean {
  return text === undefined || text.trim() === '';
}

function required(text: string | undefined, field: string): Check {
  return isBlank(text) ? invalid(`${field} must not be empty`) : OK;
}

function checkTerms(terms: AgreementTerm[]): Check {
  if (terms.length === 0) return invalid('An agreement needs at least one term');
  const blank = terms.some((term) => isBlank(term.party) || isBlank(term.obligation));
  return blank ? invalid('Every agreement term needs a party and an obligation') : OK;
}

function checkRating(rating: number): Check {
  return Number.isInteger(rating) && rating >= 1 && rating <= 5 ? OK : invalid('Rating must be a whole number from 1 to 5');
}

function checkArguments(action: CaseAction): Check {
  switch (action.type) {
    case 'escalate':
      return required(action.reason, 'reason');
    case 'request_expert':
      return firstRefusal([
        required(action.question, 'question'),
        action.specialty === undefined && isBlank(action.expertId) ? invalid('Give a specialty or an expert') : OK,
      ]);
    case 'submit_opinion':
      return required(action.opinion, 'opinion');
    case 'record_session':
    case 'record_disposal':
    case 'close':
      return required(action.summary, 'summary');
    case 'record_agreement':
      return checkTerms(action.terms);
    case 'record_failure':
      return firstRefusal([required(action.reason, 'reason'), REFERRALS.includes(action.referral) ? OK : invalid('Unknown referral')]);
    case 'feedback':
      return checkRating(action.rating);
    case 'reopen':
      return required(action.reason, 'reason');
    default:
      return OK;
  }
}

function firstRefusal(checks: readonly Check[]): Check {
  return checks.find((check) => !check.ok) ?? OK;
}

/** Who first (forbidden), then when (conflict), then what (invalid). */
export function checkAction(state: CaseState, action: CaseAction, actor: ActorOrSystem, now: number): Check {
  return firstRefusal([
    checkPermission(state, action.type, actor),
    checkStage(state, action.type),
    checkSituation(state, action.type, now),
    checkArguments(action),
  ]);
}

// ---------------------------------------------------------------------------------------
// Stage visits and events
// ---------------------------------------------------------------------------------------

function isDeadlineStage(stage: Stage): stage is DeadlineStage {
  return stage !== 'closed';
}

function openVisit(stage: Stage, centreId: string, level: Level, risk: Risk, policy: SlaPolicy, now: number, reopenUntil: number | null): StageVisit {
  const timed = isDeadlineStage(stage);
  return {
    stage,
    centreId,
    level,
    enteredAt: now,
    leftAt: null,
    // The closed stage has no SLA; its only timer is the end of the reopen window.
    deadline: timed ? stageDeadline(policy, stage, risk, now) : reopenUntil,
    warnAt: timed ? warningTime(policy, stage, risk, now) : null,
    warned: false,
    breached: false,
  };
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

function replaceCurrentVisit(state: CaseState, visit: StageVisit): StageVisit[] {
  return [...state.visits.slice(0, -1), visit];
}

interface MoveOptions {
  centrePath?: string[];
  /** Set when the visit is left because its deadline passed, whatever the clock says. */
  breached?: boolean;
}

/** Leaves the current stage visit and enters `stage`, possibly at another centre. */
function moveTo(state: CaseState, stage: Stage, now: number, options: MoveOptions = {}): CaseState {
  const centrePath = options.centrePath ?? state.centrePath;
  const centreId = lastOf(centrePath);
  const level = levelOfPath(centrePath);
  const left = closeVisit(currentVisit(state), now, options.breached ?? false);
  const entered = openVisit(stage, centreId, level, state.risk, state.slaPolicy, now, state.reopenUntil);
  return {
    ...state,
    stage,
    centreId,
    centrePath,
    level,
    deadline: entered.deadline,
    warnAt: entered.warnAt,
    visits: [...replaceCurrentVisit(state, left), entered],
  };
}

function eventActor(actor: ActorOrSystem): EventActor {
  return isPerson(actor) ? { kind: 'person', personId: actor.personId, role: actor.role } : { kind: 'system' };
}

function actorId(actor: ActorOrSystem): string {
  return isPerson(actor) ? actor.personId : 'system';
}

/** Records one event for the step `before` → `after`, numbering it after `before`. */
function emit(before: CaseState, after: CaseState, type: string, actor: ActorOrSystem, now: number, detail: Record<string, unknown>): Transition {
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

function andThen(first: Transition, next: (state: CaseState) => Transition): Transition {
  const second = next(first.state);
  return { state: second.state, events: [...first.events, ...second.events] };
}

// ---------------------------------------------------------------------------------------
// Applying actions
// ---------------------------------------------------------------------------------------

/** Applies an action that `checkAction` allows; throws otherwise. Never mutates `state`. */
export function applyAction(state: CaseState, action: CaseAction, actor: ActorOrSystem, now: number): Transition {
  const check = checkAction(state, action, actor, now);
  if (!check.ok) throw new Error(`${action.type} refused (${check.code}): ${check.reason}`);
  // Any action by a person or the system means someone is handling the case again.
  return reduce({ ...state, overdue: false }, action, actor, now);
}

function reduce(state: CaseState, action: CaseAction, actor: ActorOrSystem, now: number): Transition {
  switch (action.type) {
    case 'accept':
      return emit(state, moveTo(state, 'risk_assessment', now), 'accepted', actor, now, {});
    case 'assess':
      return assess(state, action, actor, now);
    case 'escalate':
      return escalate(state, parentPath(state), actor, now, { reason: action.reason, automatic: false });
    case 'request_expert':
      return requestExpert(state, action, actor, now);
    case 'submit_opinion':
      return submitOpinion(state, action, actor, now);
    case 'assign_mediator':
      return assignMediator(state, action, actor, now);
    case 'record_session':
      return recordSession(state, action, actor, now);
    case 'record_agreement':
      return finishMediation(state, { outcome: 'agreement', agreement: action.terms }, 'agreement_recorded', actor, now, { terms: action.terms });
    case 'record_failure': {
      const failure = { reason: action.reason, referral: action.referral };
      return finishMediation(state, { outcome: 'failure', failure }, 'failure_recorded', actor, now, failure);
    }
    case 'record_disposal':
      return finishMediation(state, { outcome: 'disposed', disposal: action.summary }, 'disposal_recorded', actor, now, { summary: action.summary });
    case 'close':
      return closeByCentre(state, action, actor, now);
    case 'feedback':
      return receiveFeedback(state, action, actor, now);
    case 'reopen':
      return reopen(state, action, actor, now);
  }
}

function parentPath(state: CaseState): string[] {
  return state.centrePath.slice(0, -1);
}

function pathAtLevel(state: CaseState, level: Level): string[] {
  return state.centrePath.slice(0, levelRank(level) + 1);
}

function escalate(state: CaseState, targetPath: string[], actor: ActorOrSystem, now: number, detail: Record<string, unknown>, breached = false): Transition {
  // A pending expert request belongs to the centre that made it; the new centre decides afresh.
  const moved = moveTo({ ...state, expertRequest: null }, 'escalation', now, { centrePath: targetPath, breached });
  const targetLevel = moved.level;
  return emit(state, moved, 'escalated', actor, now, { ...detail, fromCentreId: state.centreId, toCentreId: moved.centreId, targetLevel });
}

/** Confirms the risk; a risk beyond this centre's authority goes straight to the level that has it. */
function assess(state: CaseState, action: ActionOf<'assess'>, actor: ActorOrSystem, now: number): Transition {
  const assessed = { ...state, risk: action.risk, riskFactors: action.factors, riskConfirmed: true };
  const detail = { risk: action.risk, previousRisk: state.risk, factors: action.factors, note: action.note ?? null };
  if (!needsHigherLevel(action.risk, state.level)) {
    return emit(state, moveTo(assessed, 'mediation', now), 'assessed', actor, now, detail);
  }
  const targetLevel = requiredLevelFor(action.risk);
  return andThen(emit(state, assessed, 'assessed', actor, now, detail), (current) =>
    escalate(current, pathAtLevel(current, targetLevel), SYSTEM, now, { reason: 'risk_requires_level', automatic: true, risk: action.risk }),
  );
}

function requestExpert(state: CaseState, action: ActionOf<'request_expert'>, actor: ActorOrSystem, now: number): Transition {
  const expertId = action.expertId;
  if (expertId === undefined || isBlank(expertId)) throw new Error('request_expert needs expertId resolved before it is applied');
  const returnStage = state.stage === 'mediation' ? 'mediation' : 'risk_assessment';
  // Without a named specialty the request is for a legal opinion, the article's usual case.
  const expertRequest: ExpertRequest = { question: action.question, specialty: action.specialty ?? 'legal', requestedAt: now, returnStage };
  const next = moveTo({ ...state, expertId, expertRequest }, 'expert_consultation', now);
  return emit(state, next, 'expert_requested', actor, now, { expertId, question: action.question, specialty: expertRequest.specialty, returnStage });
}

function submitOpinion(state: CaseState, action: ActionOf<'submit_opinion'>, actor: ActorOrSystem, now: number): Transition {
  const returnStage = state.expertRequest?.returnStage ?? 'risk_assessment';
  const opinion = { expertId: actorId(actor), text: action.opinion, at: now };
  const next = moveTo({ ...state, opinion, expertRequest: null }, returnStage, now);
  return emit(state, next, 'opinion_submitted', actor, now, { expertId: opinion.expertId, opinion: action.opinion });
}

function assignMediator(state: CaseState, action: ActionOf<'assign_mediator'>, actor: ActorOrSystem, now: number): Transition {
  const mediatorId = action.mediatorId;
  if (mediatorId === undefined || isBlank(mediatorId)) throw new Error('assign_mediator needs mediatorId resolved before it is applied');
  return emit(state, { ...state, mediatorId }, 'mediator_assigned', actor, now, { mediatorId, previousMediatorId: state.mediatorId });
}

function recordSession(state: CaseState, action: ActionOf<'record_session'>, actor: ActorOrSystem, now: number): Transition {
  const session = { at: now, summary: action.summary, by: actorId(actor) };
  return emit(state, { ...state, sessions: [...state.sessions, session] }, 'session_recorded', actor, now, { summary: action.summary, sessionNumber: state.sessions.length + 1 });
}

type MediationResult = Pick<CaseState, 'outcome'> & Partial<Pick<CaseState, 'agreement' | 'failure' | 'disposal'>>;

function finishMediation(state: CaseState, result: MediationResult, type: string, actor: ActorOrSystem, now: number, detail: Record<string, unknown>): Transition {
  const next = moveTo({ ...state, ...result }, 'closure', now);
  return emit(state, next, type, actor, now, { outcome: result.outcome, ...detail });
}

function closeByCentre(state: CaseState, action: ActionOf<'close'>, actor: ActorOrSystem, now: number): Transition {
  const next = moveTo({ ...state, closureSummary: action.summary, feedbackStatus: 'pending' }, 'feedback', now);
  // notify: the result goes back to the complainant through the platform.
  return emit(state, next, 'closed_by_centre', actor, now, { summary: action.summary, outcome: state.outcome, notify: true });
}

function reopenWindowAfter(state: CaseState, rating: number, now: number): number | null {
  const dissatisfied = rating <= DISSATISFIED_RATING;
  return dissatisfied && state.reopenCount < MAX_REOPENS ? now + state.slaPolicy.reopenWindow : null;
}

function receiveFeedback(state: CaseState, action: ActionOf<'feedback'>, actor: ActorOrSystem, now: number): Transition {
  const reopenUntil = reopenWindowAfter(state, action.rating, now);
  const rated: CaseState = { ...state, rating: action.rating, feedbackComment: action.comment ?? null, feedbackStatus: 'rated', status: 'closed', reopenUntil };
  const next = moveTo(rated, 'closed', now);
  return emit(state, next, 'feedback_received', actor, now, { rating: action.rating, comment: action.comment ?? null, reopenUntil });
}

function reopen(state: CaseState, action: ActionOf<'reopen'>, actor: ActorOrSystem, now: number): Transition {
  const cleared: CaseState = {
    ...state,
    status: 'open',
    reopenCount: state.reopenCount + 1,
    reopenUntil: null,
    // The rating that caused the reopen lives on in the feedback_received event.
    ...UNRESOLVED,
  };
  const next = moveTo(cleared, 'mediation', now);
  return emit(state, next, 'reopened', actor, now, { reason: action.reason, reopenCount: next.reopenCount, previousRating: state.rating });
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

function feedbackTimeout(state: CaseState, now: number): Transition {
  const next = moveTo({ ...state, status: 'closed', feedbackStatus: 'no_response', reopenUntil: null }, 'closed', now);
  return emit(state, next, 'feedback_timeout', SYSTEM, now, { deadline: state.deadline });
}

function endReopenWindow(state: CaseState, now: number): Transition {
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
// Questions the API and the workflow ask
// ---------------------------------------------------------------------------------------

/** A plausible action of each type, used to ask "could this actor do X now?". */
export function sampleAction(state: CaseState, type: ActionType): CaseAction {
  const text = 'sample';
  switch (type) {
    case 'accept':
      return { type };
    case 'assess':
      return { type, risk: state.risk, factors: state.riskFactors };
    case 'escalate':
      return { type, reason: text };
    case 'request_expert':
      return { type, question: text, specialty: CATEGORIES[state.category].defaultSpecialty, expertId: text };
    case 'submit_opinion':
      return { type, opinion: text };
    case 'assign_mediator':
      return { type, mediatorId: text };
    case 'record_session':
    case 'record_disposal':
    case 'close':
      return { type, summary: text };
    case 'record_agreement':
      return { type, terms: [{ party: text, obligation: text }] };
    case 'record_failure':
      return { type, reason: text, referral: 'other' };
    case 'feedback':
      return { type, rating: 5 };
    case 'reopen':
      return { type, reason: text };
  }
}

/** Every action this actor could take right now: drives UI buttons and the API's allowedActions. */
export function allowedActions(state: CaseState, actor: ActorOrSystem, now: number): ActionType[] {
  return ACTION_TYPES.filter((type) => checkAction(state, sampleAction(state, type), actor, now).ok);
}

/** The workflow may complete: closed, and no reopen window still open. */
export function isFinished(state: CaseState, now: number): boolean {
  return state.status === 'closed' && (state.reopenUntil === null || now > state.reopenUntil);
}
