/**
 * What people do to a case, one table entry per action: who may take it, in which stages
 * and situations, what arguments it takes and how it changes the case. `checkAction`,
 * `applyAction` and `allowedActions` read this table and nothing else, the API's request
 * body is the union of its argument schemas, and the web UI's forms are typed by it.
 *
 * Argument schemas are built on first use, not when the module loads: the worker loads
 * the domain once for all its workflows and deep-freezes every object it made while
 * loading, and a zod schema that is frozen can no longer parse.
 */
import { z } from 'zod';
import { CATEGORIES, SPECIALTIES, type Specialty } from './categories';
import { needsHigherLevel, requiredLevelFor, RISKS } from './risk';
import { clockMs, isWorkingTimePolicy, type DeadlinePolicy, type Span } from './deadline-policy';
import { findOrder, isAnswerable, issueSupervision, replyToSupervision, supervisingCentreOf } from './supervision';
import { pause, resume } from './timers';
import { assignDepartment, endTask, workingTask } from './departments';
import { FILE_ID, MAX_FILES_PER_ATTACHMENT, withFiles } from './files';
import { duplicateLinkCheck } from './duplicates';
import {
  actorId,
  andThen,
  conflict,
  DISSATISFIED_RATING,
  emit,
  escalate,
  firstRefusal,
  forbidden,
  invalid,
  isPerson,
  isStaffOf,
  MAX_REOPENS,
  moveTo,
  OK,
  parentPath,
  pathAtLevel,
  PAUSE_REASONS,
  pausedClockTime,
  REFERRALS,
  reopenUntilAfter,
  STAGES,
  SYSTEM,
  UNRESOLVED,
  type ActorOrSystem,
  type CaseState,
  type Check,
  type EventType,
  type ExpertRequest,
  type Stage,
  type Transition,
} from './lifecycle';

// zod completes its own configuration (default locale, memoiser, whether it may compile
// parsers) on its first schemas and parses. Do that while this module loads, before the
// worker freezes zod's configuration objects along with everything else it loaded.
z.strictObject({ warm: z.array(z.string().min(1)) }).safeParse({ warm: [''] });
z.strictObject({ warm: z.array(z.string().min(1)) }).safeParse({ warm: ['x'] });

// ---------------------------------------------------------------------------------------
// Argument fields
// ---------------------------------------------------------------------------------------

/** Free text a person writes: trimmed, bounded, never empty. */
export const text = (max: number) => z.string().trim().min(1).max(max);
/** A person's or centre's id. */
export const idField = () => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/, 'an id: letters, digits, "-" and "_"');
/** Files uploaded first (POST /api/v1/files) and named by id; the API checks each is the caller's before the action goes ahead. */
// The pattern is made on each call: the workflow sandbox freezes module-level objects, and zod resets a RegExp's lastIndex.
export const fileIdsField = () => z.array(z.string().regex(new RegExp(FILE_ID.source), 'a file id from POST /api/v1/files')).max(MAX_FILES_PER_ATTACHMENT).optional();
/** An event names the files its action attached, when it attached any. */
const filesDetail = (files: string[] | undefined): { files?: string[] } => (files && files.length > 0 ? { files } : {});

export const riskFactorField = () =>
  z.strictObject({
    code: text(64),
    points: z.number().int().min(-100).max(100),
    label: z.strictObject({ zh: text(100), en: text(100) }),
    evidence: z.string().max(500).optional(),
  });

const termField = () => z.strictObject({ party: text(200), obligation: text(2000) });

// ---------------------------------------------------------------------------------------
// Who may act
// ---------------------------------------------------------------------------------------

interface Permission {
  allows: (state: CaseState, actor: ActorOrSystem) => boolean;
  who: string;
  /** `who` as the person refused reads it. */
  label: { zh: string; en: string };
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

const STAFF: Permission = {
  allows: isStaffOf,
  who: 'staff of the owning centre',
  label: { zh: '案件当前办理单位的工作人员', en: 'staff of the centre that holds the case' },
};
/**
 * The centre's officers: its administrators, and at a village its grid workers. A
 * mediator works the cases given to them; taking in a case sent up from below, sending
 * one up, choosing its mediator and signing it off are the centre's decisions.
 */
const OFFICERS: Permission = {
  allows: (state, actor) => isStaffOf(state, actor) && (!isPerson(actor) || actor.role !== 'mediator'),
  who: 'an administrator of the owning centre (or, at a village, its grid worker)',
  label: { zh: '案件当前办理单位的管理员（村、社区也可由网格员办理）', en: 'an administrator of the centre that holds the case (at a village, also its grid worker)' },
};
/** Accepting a new report is the front desk's, mediators included; a case sent up from below is the officers'. */
const ACCEPTS: Permission = {
  allows: (state, actor) => (state.stage === 'intake' ? isStaffOf(state, actor) : OFFICERS.allows(state, actor)),
  who: 'staff of the owning centre (for a case sent up from below: its officers, not its mediators)',
  label: { zh: '案件当前办理单位的工作人员（上级转来的案件由管理员受理）', en: 'staff of the centre that holds the case (a case sent up: its administrators)' },
};
const MEDIATOR_OR_STAFF: Permission = {
  allows: (state, actor) => isAssignedMediator(state, actor) || isStaffOf(state, actor),
  who: 'the assigned mediator or staff of the owning centre',
  label: { zh: '指派的调解员或案件当前办理单位的工作人员', en: 'the assigned mediator or staff of the centre that holds the case' },
};
const ASSIGNED_EXPERT: Permission = { allows: isAssignedExpert, who: 'the assigned expert', label: { zh: '指派的专家', en: 'the assigned expert' } };
const COMPLAINANT: Permission = { allows: isComplainant, who: 'the complainant', label: { zh: '反映人本人', en: 'the complainant' } };
const DEPARTMENT: Permission = {
  allows: ofTheDepartment,
  who: 'staff of the department the case is handed to',
  label: { zh: '案件交办的责任单位的工作人员', en: 'staff of the department the case is handed to' },
};
const SUPERVISOR: Permission = {
  allows: supervisorOf,
  who: 'an administrator of a centre above the handling centre',
  label: { zh: '办理单位上级中心的管理员', en: 'an administrator of a centre above the handling centre' },
};
const HANDLING_CENTRE: Permission = { allows: atHandlingCentre, who: 'staff of the handling centre', label: { zh: '案件当前办理单位的工作人员', en: 'staff of the centre that holds the case' } };

// ---------------------------------------------------------------------------------------
// Situations beyond the stage
// ---------------------------------------------------------------------------------------

/** Stages a case can be escalated from: everything before the centre signs it off. */
const ESCALATABLE_STAGES: readonly Stage[] = STAGES.filter((stage) => stage !== 'feedback' && stage !== 'closed');
/** Stages in which a centre works on a case it has accepted: its handling clock can stand still. */
const HANDLING_STAGES: readonly Stage[] = ['risk_assessment', 'expert_consultation', 'mediation', 'closure'];
/** A case can be closed as a duplicate until its own result is recorded. */
const DUPLICATE_STAGES: readonly Stage[] = ['intake', 'risk_assessment', 'escalation', 'expert_consultation', 'mediation'];
/** Supervision reaches a case from its arrival until the centre signs it off. */
const HANDLING_STAGES_AND_ARRIVAL: readonly Stage[] = ESCALATABLE_STAGES;

function belowTheCity(state: CaseState): Check {
  return state.level === 'city' ? conflict('Case is already at the highest level (city)') : OK;
}

function needsMediator(state: CaseState): Check {
  return state.mediatorId === null ? conflict('No mediator has been assigned yet; assign a mediator first') : OK;
}

function disputeOnly(state: CaseState): Check {
  return state.kind === 'hazard' ? conflict('This case is a hazard; hazards are closed with record_disposal') : OK;
}

function hazardOnly(state: CaseState): Check {
  return state.kind === 'dispute' ? conflict('This case is a dispute; disputes end with record_agreement or record_failure') : OK;
}

function underWorkingTime(state: CaseState): Check {
  return isWorkingTimePolicy(state.slaPolicy) ? OK : conflict(`This case runs under deadline policy ${state.slaPolicy.version}, which has no handling clock to pause or supervise`);
}

function clockRunning(state: CaseState): Check {
  if (state.pause) return conflict('The handling clock is already paused; resume it first');
  if (state.handling?.deadline == null) return conflict('The handling limit has already passed; there is no clock left to pause');
  return OK;
}

function clockPaused(state: CaseState): Check {
  return state.pause ? OK : conflict('The handling clock is not paused');
}

function noTransferPending(state: CaseState): Check {
  return state.transfer ? conflict('The case is waiting for the centre it was transferred to; it accepts or refuses it first') : OK;
}

function cameByTransfer(state: CaseState): Check {
  return state.transfer ? OK : conflict('Only a case transferred to this centre can be refused; escalate or handle this one');
}

/** A peer: another centre of the same city at the same level. Checked once the workflow has looked the centre up. */
function peerOf(state: CaseState, targetPath: readonly string[] | undefined): Check {
  if (targetPath === undefined) return OK;
  if (targetPath[0] !== state.centrePath[0]) return invalid('toCentreId: that centre is outside this city’s region');
  if (targetPath.length !== state.centrePath.length) return invalid(`toCentreId: a transfer goes to another ${state.level} centre; to go up a level, escalate`);
  if (targetPath[targetPath.length - 1] === state.centreId) return invalid('toCentreId: the case is already at that centre');
  return OK;
}

function noDepartmentAtWork(state: CaseState): Check {
  return workingTask(state) ? conflict('A department is working on this case; wait for its report, or for it to refuse') : OK;
}

function departmentAtWork(state: CaseState): Check {
  return workingTask(state) ? OK : conflict('No department is working on this case');
}

function ofTheDepartment(state: CaseState, actor: ActorOrSystem): boolean {
  const task = workingTask(state);
  return isPerson(actor) && actor.role === 'department' && task !== null && actor.departmentId === task.departmentId;
}

function somethingToAnswer(state: CaseState): Check {
  return state.supervisions.some((order) => isAnswerable(order, state.centreId)) ? OK : conflict('No supervision order awaits a reply from this centre');
}

/** A moment given as an ISO date-time, checked to lie ahead of now and within `withinMs`. */
function ahead(iso: string, now: number, withinMs: number, name: string): Check {
  const at = Date.parse(iso);
  if (!(at > now)) return invalid(`${name} must be in the future`);
  if (at - now > withinMs) return invalid(`${name} must be within ${Math.round(withinMs / DAY_MS)} days`);
  return OK;
}

const DAY_MS = 24 * 60 * 60 * 1000;

function pauseFits(state: CaseState, until: string, now: number): Check {
  const policy = state.slaPolicy;
  if (!isWorkingTimePolicy(policy)) return underWorkingTime(state);
  const allowance = clockMs(policy, policy.maxPause);
  const left = allowance - state.pausedMs;
  const end = Date.parse(until);
  if (!(end > now)) return invalid('until: a pause must end in the future');
  const asked = pausedClockTime(policy, now, end);
  if (asked > left) return invalid(`until: the pauses of a case may total at most ${spanText(policy.maxPause)}; ${formatLeft(policy, left, policy.maxPause.unit)} are left`);
  return OK;
}

function spanText(span: Span): string {
  return `${span.amount} ${span.unit.replace('_', ' ')}`;
}

/** Clock time in whole units of the span's own clock (a working day is the calendar's service hours of one day). */
function formatLeft(policy: DeadlinePolicy, ms: number, unit: Span['unit']): string {
  const perUnit = clockMs(policy, { amount: 1, unit });
  return `${Math.max(0, Math.floor(ms / perUnit))} ${unit.replace('_', ' ')}`;
}

function supervisorOf(state: CaseState, actor: ActorOrSystem): boolean {
  // An administrator of a centre above the handling one; the city, having none above, supervises its own.
  if (!isPerson(actor) || actor.role !== 'admin' || actor.centreId === undefined) return false;
  const above = state.level === 'city' ? state.centrePath : parentPath(state);
  return above.includes(actor.centreId);
}

function atHandlingCentre(state: CaseState, actor: ActorOrSystem): boolean {
  return isPerson(actor) && actor.centreId === state.centreId && isStaffOf(state, actor);
}

function withinReopenWindow(state: CaseState, now: number): Check {
  if (state.rating === null || state.rating > DISSATISFIED_RATING) {
    return conflict(`Only a dissatisfied complainant can reopen (rating ${DISSATISFIED_RATING} or lower)`);
  }
  if (state.reopenCount >= MAX_REOPENS) return conflict(`Case has already been reopened ${MAX_REOPENS} times`);
  if (state.reopenUntil === null || now > state.reopenUntil) return conflict('The window for reopening this case has ended');
  return OK;
}

// ---------------------------------------------------------------------------------------
// The table
// ---------------------------------------------------------------------------------------

interface ActionRule<Type extends string, Args extends z.ZodObject> {
  type: Type;
  who: Permission;
  stages: readonly Stage[];
  /** Conditions of the case beyond its stage; none when absent. */
  when?: (state: CaseState, now: number) => Check;
  /** The action's body, `type` included: what the API accepts and what the workflow re-checks. */
  args: () => Args;
  /** A rule across several arguments, which the workflow checks after `args`. */
  alsoRequires?: (action: z.output<Args>) => Check;
  /** A rule on the arguments given the case and the moment (a pause's end, an order's id). */
  fitsCase?: (state: CaseState, action: z.output<Args>, now: number) => Check;
  /** An action of this type with arguments that pass `args`: the API document's example. */
  example: z.output<Args>;
  /** How the action changes the case; only ever called after the checks above have passed. */
  apply: (state: CaseState, action: z.output<Args>, actor: ActorOrSystem, now: number) => Transition;
}

type ArgumentsOf<Type extends string, Shape extends z.ZodRawShape> = z.ZodObject<{ type: z.ZodLiteral<Type> } & Shape, z.core.$strict>;

/** Declares one action; the generic ties `example` and `apply` to the arguments' type. */
function action<Type extends string, Shape extends z.ZodRawShape>(
  rule: Omit<ActionRule<Type, ArgumentsOf<Type, Shape>>, 'args'> & { args: () => Shape },
): ActionRule<Type, ArgumentsOf<Type, Shape>> {
  let schema: ArgumentsOf<Type, Shape> | undefined;
  return { ...rule, args: () => (schema ??= z.strictObject({ type: z.literal(rule.type), ...rule.args() })) };
}

type MediationResult = Pick<CaseState, 'outcome'> & Partial<Pick<CaseState, 'agreement' | 'failure' | 'disposal'>>;

function finishMediation(state: CaseState, result: MediationResult, type: EventType, actor: ActorOrSystem, now: number, detail: Record<string, unknown>): Transition {
  const next = moveTo({ ...state, ...result }, 'closure', now);
  return emit(state, next, type, actor, now, { outcome: result.outcome, ...detail });
}

function reopenWindowAfter(state: CaseState, rating: number, now: number): number | null {
  const dissatisfied = rating <= DISSATISFIED_RATING;
  return dissatisfied && state.reopenCount < MAX_REOPENS ? reopenUntilAfter(state.slaPolicy, now) : null;
}

const ACTION_LIST = [
  action({
    type: 'accept',
    who: ACCEPTS,
    stages: ['intake', 'escalation'],
    args: () => ({}),
    example: { type: 'accept' },
    apply: (state, _action, actor, now) => emit(state, moveTo({ ...state, transfer: null }, 'risk_assessment', now), 'accepted', actor, now, {}),
  }),

  action({
    type: 'assess',
    who: STAFF,
    stages: ['risk_assessment'],
    args: () => ({ risk: z.enum(RISKS), factors: z.array(riskFactorField()).max(20).default([]), note: z.string().max(2000).optional() }),
    example: { type: 'assess', risk: 'medium', factors: [] },
    // Confirms the risk; a risk beyond this centre's authority goes straight to the level that has it.
    apply(state, action, actor, now) {
      const assessed = { ...state, risk: action.risk, riskFactors: action.factors, riskConfirmed: true };
      const detail = { risk: action.risk, previousRisk: state.risk, factors: action.factors, note: action.note ?? null };
      if (!needsHigherLevel(action.risk, state.level)) return emit(state, moveTo(assessed, 'mediation', now), 'assessed', actor, now, detail);
      const targetLevel = requiredLevelFor(action.risk);
      return andThen(emit(state, assessed, 'assessed', actor, now, detail), (current) =>
        escalate(current, pathAtLevel(current, targetLevel), SYSTEM, now, { reason: 'risk_requires_level', automatic: true, risk: action.risk }),
      );
    },
  }),

  action({
    type: 'escalate',
    who: OFFICERS,
    stages: ESCALATABLE_STAGES,
    when: belowTheCity,
    args: () => ({ reason: text(2000) }),
    example: { type: 'escalate', reason: 'Beyond this centre’s authority' },
    apply: (state, action, actor, now) => escalate(state, parentPath(state), actor, now, { reason: action.reason, automatic: false }),
  }),

  action({
    type: 'request_expert',
    who: STAFF,
    stages: ['risk_assessment', 'mediation'],
    // Without an expert named the system chooses one of the specialty (resolved before apply).
    args: () => ({ question: text(2000), specialty: z.enum(SPECIALTIES).optional(), expertId: idField().optional() }),
    alsoRequires: (action) => (action.specialty === undefined && action.expertId === undefined ? invalid('Give a specialty or an expert') : OK),
    example: { type: 'request_expert', question: 'Is the shops’ use of the common space lawful?', specialty: 'legal' },
    apply(state, action, actor, now) {
      const expertId = action.expertId;
      if (expertId === undefined) throw new Error('request_expert needs expertId resolved before it is applied');
      const returnStage = state.stage === 'mediation' ? 'mediation' : 'risk_assessment';
      // Without a named specialty the request is for a legal opinion, the article's usual case.
      const specialty: Specialty = action.specialty ?? 'legal';
      const expertRequest: ExpertRequest = { question: action.question, specialty, requestedAt: now, returnStage };
      const next = moveTo({ ...state, expertId, expertRequest }, 'expert_consultation', now);
      return emit(state, next, 'expert_requested', actor, now, { expertId, question: action.question, specialty, returnStage });
    },
  }),

  action({
    type: 'submit_opinion',
    who: ASSIGNED_EXPERT,
    stages: ['expert_consultation'],
    args: () => ({ opinion: text(10_000) }),
    example: { type: 'submit_opinion', opinion: 'The common space belongs to all owners; the shops must vacate it.' },
    apply(state, action, actor, now) {
      const returnStage = state.expertRequest?.returnStage ?? 'risk_assessment';
      const opinion = { expertId: actorId(actor), text: action.opinion, at: now };
      const next = moveTo({ ...state, opinion, expertRequest: null }, returnStage, now);
      return emit(state, next, 'opinion_submitted', actor, now, { expertId: opinion.expertId, opinion: action.opinion });
    },
  }),

  action({
    type: 'assign_mediator',
    who: OFFICERS,
    stages: ['mediation'],
    // Without a mediator named the system chooses one (resolved before apply).
    args: () => ({ mediatorId: idField().optional() }),
    example: { type: 'assign_mediator' },
    apply(state, action, actor, now) {
      const mediatorId = action.mediatorId;
      if (mediatorId === undefined) throw new Error('assign_mediator needs mediatorId resolved before it is applied');
      return emit(state, { ...state, mediatorId }, 'mediator_assigned', actor, now, { mediatorId, previousMediatorId: state.mediatorId });
    },
  }),

  action({
    type: 'record_session',
    who: MEDIATOR_OR_STAFF,
    stages: ['mediation'],
    when: needsMediator,
    args: () => ({ summary: text(5000), files: fileIdsField() }),
    example: { type: 'record_session', summary: 'Met the owners, the shops and the property manager.' },
    apply(state, action, actor, now) {
      const session = { at: now, summary: action.summary, by: actorId(actor) };
      const detail = { summary: action.summary, sessionNumber: state.sessions.length + 1, ...filesDetail(action.files) };
      const recorded = withFiles({ ...state, sessions: [...state.sessions, session] }, action.files, 'session', actorId(actor), now);
      return emit(state, recorded, 'session_recorded', actor, now, detail);
    },
  }),

  action({
    type: 'record_agreement',
    who: MEDIATOR_OR_STAFF,
    stages: ['mediation'],
    when: (state) => firstRefusal([disputeOnly(state), needsMediator(state)]),
    args: () => ({ terms: z.array(termField()).min(1).max(50) }),
    example: { type: 'record_agreement', terms: [{ party: 'Shops', obligation: 'Vacate the common space' }] },
    apply: (state, action, actor, now) => finishMediation(state, { outcome: 'agreement', agreement: action.terms }, 'agreement_recorded', actor, now, { terms: action.terms }),
  }),

  action({
    type: 'record_failure',
    who: MEDIATOR_OR_STAFF,
    stages: ['mediation'],
    when: (state) => firstRefusal([disputeOnly(state), needsMediator(state)]),
    args: () => ({ reason: text(2000), referral: z.enum(REFERRALS) }),
    example: { type: 'record_failure', reason: 'The parties would not meet', referral: 'litigation' },
    apply(state, action, actor, now) {
      const failure = { reason: action.reason, referral: action.referral };
      return finishMediation(state, { outcome: 'failure', failure }, 'failure_recorded', actor, now, failure);
    },
  }),

  action({
    type: 'record_disposal',
    who: MEDIATOR_OR_STAFF,
    stages: ['mediation'],
    when: hazardOnly,
    args: () => ({ summary: text(5000), files: fileIdsField() }),
    example: { type: 'record_disposal', summary: 'The operations company replaced the glass.' },
    apply: (state, action, actor, now) =>
      finishMediation(withFiles(state, action.files, 'disposal', actorId(actor), now), { outcome: 'disposed', disposal: action.summary }, 'disposal_recorded', actor, now, { summary: action.summary, ...filesDetail(action.files) }),
  }),

  action({
    type: 'close',
    who: OFFICERS,
    stages: ['closure'],
    args: () => ({ summary: text(5000) }),
    example: { type: 'close', summary: 'Resolved by agreement.' },
    apply(state, action, actor, now) {
      const next = moveTo({ ...state, closureSummary: action.summary, feedbackStatus: 'pending' }, 'feedback', now);
      // notify: the result goes back to the complainant through the platform.
      return emit(state, next, 'closed_by_centre', actor, now, { summary: action.summary, outcome: state.outcome, notify: true });
    },
  }),

  action({
    type: 'pause',
    who: HANDLING_CENTRE,
    stages: HANDLING_STAGES,
    when: (state) => firstRefusal([underWorkingTime(state), clockRunning(state)]),
    args: () => ({ reason: z.enum(PAUSE_REASONS), note: z.string().trim().max(2000).optional(), until: z.iso.datetime({ offset: true }) }),
    fitsCase: (state, action, now) => pauseFits(state, action.until, now),
    example: { type: 'pause', reason: 'waiting_for_documents', note: 'The land certificate is with the county archive', until: '2026-12-10T09:00:00+08:00' },
    apply: (state, action, actor, now) => pause(state, { reason: action.reason, note: action.note ?? null, until: Date.parse(action.until), by: actorId(actor) }, actor, now),
  }),

  action({
    type: 'resume',
    who: HANDLING_CENTRE,
    stages: HANDLING_STAGES,
    when: clockPaused,
    args: () => ({}),
    example: { type: 'resume' },
    apply: (state, _action, actor, now) => resume(state, actor, now),
  }),

  action({
    type: 'supervise',
    who: SUPERVISOR,
    stages: HANDLING_STAGES_AND_ARRIVAL,
    when: underWorkingTime,
    args: () => ({ reason: text(2000), replyBy: z.iso.datetime({ offset: true }) }),
    fitsCase: (_state, action, now) => ahead(action.replyBy, now, 90 * DAY_MS, 'replyBy'),
    example: { type: 'supervise', reason: 'The residents have called three times; report what has been done', replyBy: '2026-12-03T17:30:00+08:00' },
    apply(state, action, actor, now) {
      const byCentreId = isPerson(actor) && actor.centreId !== undefined ? actor.centreId : supervisingCentreOf(state);
      return issueSupervision(state, { reason: action.reason, replyBy: Date.parse(action.replyBy), byCentreId }, actor, now);
    },
  }),

  action({
    type: 'reply_supervision',
    who: HANDLING_CENTRE,
    stages: HANDLING_STAGES_AND_ARRIVAL,
    when: somethingToAnswer,
    args: () => ({ orderId: z.string().regex(/^s\d{1,4}$/, 'a supervision order id such as s1'), reply: text(5000) }),
    fitsCase(state, action) {
      const order = findOrder(state, action.orderId);
      if (!order) return invalid(`orderId: this case has no supervision order ${action.orderId}`);
      return isAnswerable(order, state.centreId) ? OK : conflict(`Supervision order ${action.orderId} is ${order.status}; it needs no reply from this centre`);
    },
    example: { type: 'reply_supervision', orderId: 's1', reply: 'Accepted; the mediator meets both families tomorrow.' },
    apply(state, action, actor, now) {
      const order = findOrder(state, action.orderId)!;
      return replyToSupervision(state, order, action.reply, actor, now);
    },
  }),

  action({
    type: 'transfer',
    who: STAFF,
    stages: ['intake', 'risk_assessment'],
    when: noTransferPending,
    // toCentrePath is never the caller's: the workflow looks the centre up and fills it in before apply.
    args: () => ({ toCentreId: idField(), reason: text(2000), toCentrePath: z.array(idField()).min(1).max(4).optional() }),
    fitsCase: (state, action) => (action.toCentreId === state.centreId ? invalid('toCentreId: the case is already at that centre') : peerOf(state, action.toCentrePath)),
    example: { type: 'transfer', toCentreId: 'zz-pinghe-xiaoxi-ximen', reason: 'The house is in Ximen, not Dongmen' },
    apply(state, action, actor, now) {
      const target = action.toCentrePath;
      if (target === undefined) throw new Error('transfer needs toCentrePath resolved before it is applied');
      const transfer = { fromCentreId: state.centreId, fromCentrePath: state.centrePath, fromStage: state.stage, reason: action.reason, by: actorId(actor), at: now };
      const moved = moveTo({ ...state, transfer }, 'intake', now, { centrePath: target });
      return emit(state, moved, 'transferred', actor, now, { fromCentreId: state.centreId, toCentreId: moved.centreId, reason: action.reason, notify: true });
    },
  }),

  action({
    type: 'refuse_transfer',
    who: STAFF,
    stages: ['intake'],
    when: cameByTransfer,
    args: () => ({ reason: text(2000) }),
    example: { type: 'refuse_transfer', reason: 'The address is in Dongmen; see the map' },
    apply(state, action, actor, now) {
      const transfer = state.transfer!;
      const back = moveTo({ ...state, transfer: null }, transfer.fromStage, now, { centrePath: transfer.fromCentrePath });
      return emit(state, back, 'transfer_refused', actor, now, { reason: action.reason, fromCentreId: state.centreId, toCentreId: transfer.fromCentreId });
    },
  }),

  action({
    type: 'assign_department',
    who: STAFF,
    stages: ['mediation'],
    when: noDepartmentAtWork,
    // departmentCentreId is never the caller's: the workflow looks the department up and fills it in.
    args: () => ({ departmentId: idField(), task: text(2000), departmentCentreId: idField().optional() }),
    fitsCase: (state, action) =>
      action.departmentCentreId === undefined || state.centrePath.includes(action.departmentCentreId)
        ? OK
        : invalid('departmentId: that department works with another area; choose one of this centre or above'),
    example: { type: 'assign_department', departmentId: 'dept-tiz-operations', task: 'Replace the broken glass of the kiosk and make the site safe' },
    apply: (state, action, actor, now) => assignDepartment(state, action.departmentId, action.task, actor, now),
  }),

  action({
    type: 'report_disposal',
    who: DEPARTMENT,
    stages: ['mediation'],
    when: departmentAtWork,
    args: () => ({ summary: text(5000), files: fileIdsField() }),
    example: { type: 'report_disposal', summary: 'Glass replaced the same afternoon; every kiosk in the district checked' },
    // A hazard is disposed of by the department's work: the centre goes on to close it. A dispute goes on in mediation with the report.
    apply(state, action, actor, now) {
      const reported = withFiles(endTask(state, 'reported', action.summary, actor, now), action.files, 'disposal', actorId(actor), now);
      const detail = { departmentId: workingTask(state)?.departmentId, summary: action.summary, ...filesDetail(action.files) };
      if (state.kind === 'dispute') return emit(state, reported, 'department_reported', actor, now, detail);
      return emit(state, moveTo({ ...reported, outcome: 'disposed', disposal: action.summary }, 'closure', now), 'department_reported', actor, now, { ...detail, outcome: 'disposed' });
    },
  }),

  action({
    type: 'refuse_assignment',
    who: DEPARTMENT,
    stages: ['mediation'],
    when: departmentAtWork,
    args: () => ({ reason: text(2000) }),
    example: { type: 'refuse_assignment', reason: 'The kiosk belongs to the bus company, not to us' },
    apply: (state, action, actor, now) =>
      emit(state, endTask(state, 'refused', action.reason, actor, now), 'department_refused', actor, now, { departmentId: workingTask(state)?.departmentId, reason: action.reason }),
  }),

  action({
    type: 'mark_duplicate',
    who: OFFICERS,
    stages: DUPLICATE_STAGES,
    when: (state) => firstRefusal([noTransferPending(state), noDepartmentAtWork(state)]),
    // original is never the caller's: the workflow looks the case up (open? visible to the actor?) and fills it in.
    args: () => ({
      originalCaseId: z.string().regex(/^case_[0-9a-f]{24}$/, 'a case id: "case_" and 24 hex digits'),
      reason: z.string().trim().max(2000).optional(),
      original: z
        .strictObject({ caseId: z.string(), caseNumber: z.string(), status: z.enum(['open', 'closed']), duplicateOf: z.string().nullable(), visible: z.boolean() })
        .optional(),
    }),
    fitsCase: (state, action) =>
      action.original === undefined
        ? action.originalCaseId === state.caseId
          ? invalid('originalCaseId: a case cannot be a duplicate of itself')
          : OK
        : duplicateLinkCheck(state.caseId, action.original),
    example: { type: 'mark_duplicate', originalCaseId: 'case_0123456789abcdef01234567', reason: 'The same broken kiosk glass, reported the day before' },
    // The duplicate closes without a rating of its own: the original's work and outcome answer it.
    apply(state, action, actor, now) {
      const original = action.original;
      if (original === undefined) throw new Error('mark_duplicate needs the original case looked up before it is applied');
      const duplicateOf = { caseId: original.caseId, caseNumber: original.caseNumber, at: now, by: actorId(actor) };
      const closing: CaseState = { ...state, duplicateOf, status: 'closed', expertRequest: null, feedbackStatus: null, reopenUntil: null };
      const detail = { originalCaseId: original.caseId, originalCaseNumber: original.caseNumber, reason: action.reason ?? null, notify: true };
      return emit(state, moveTo(closing, 'closed', now), 'marked_duplicate', actor, now, detail);
    },
  }),

  action({
    type: 'feedback',
    who: COMPLAINANT,
    stages: ['feedback'],
    args: () => ({ rating: z.number().int().min(1).max(5), comment: z.string().max(2000).optional() }),
    example: { type: 'feedback', rating: 5 },
    apply(state, action, actor, now) {
      const reopenUntil = reopenWindowAfter(state, action.rating, now);
      const rated: CaseState = { ...state, rating: action.rating, feedbackComment: action.comment ?? null, feedbackStatus: 'rated', status: 'closed', reopenUntil };
      return emit(state, moveTo(rated, 'closed', now), 'feedback_received', actor, now, { rating: action.rating, comment: action.comment ?? null, reopenUntil });
    },
  }),

  action({
    type: 'reopen',
    who: COMPLAINANT,
    stages: ['closed'],
    when: withinReopenWindow,
    args: () => ({ reason: text(2000) }),
    example: { type: 'reopen', reason: 'The shops are back in the common space' },
    apply(state, action, actor, now) {
      // The rating that caused the reopen lives on in the feedback_received event.
      const cleared: CaseState = { ...state, status: 'open', reopenCount: state.reopenCount + 1, reopenUntil: null, ...UNRESOLVED };
      const next = moveTo(cleared, 'mediation', now);
      return emit(state, next, 'reopened', actor, now, { reason: action.reason, reopenCount: next.reopenCount, previousRating: state.rating });
    },
  }),
] as const;

type AnyRule = (typeof ACTION_LIST)[number];
export type ActionType = AnyRule['type'];
/** One action as the workflow receives it: the output of its argument schema. */
export type CaseAction = { [R in AnyRule as R['type']]: z.output<ReturnType<R['args']>> }[ActionType];
export type ActionOf<T extends ActionType> = Extract<CaseAction, { type: T }>;

export const ACTIONS = Object.fromEntries(ACTION_LIST.map((rule) => [rule.type, rule])) as { [R in AnyRule as R['type']]: R };
export const ACTION_TYPES = ACTION_LIST.map((rule) => rule.type) as unknown as readonly [ActionType, ...ActionType[]];

/** Each action's arguments (its request body), in table order: the API's schema is their union by `type`. */
export function actionArguments() {
  return ACTION_LIST.map((rule) => rule.args()) as unknown as [ReturnType<AnyRule['args']>, ...ReturnType<AnyRule['args']>[]];
}

/** The rule of an action, typed loosely enough to be called with any action of its type. */
function ruleOf(type: ActionType): ActionRule<ActionType, z.ZodObject> {
  return ACTIONS[type] as unknown as ActionRule<ActionType, z.ZodObject>;
}

// ---------------------------------------------------------------------------------------
// Questions the API and the workflow ask
// ---------------------------------------------------------------------------------------

function checkPermission(state: CaseState, type: ActionType, actor: ActorOrSystem): Check {
  const { who } = ruleOf(type);
  return who.allows(state, actor) ? OK : forbidden(`Only ${who.who} can ${type.replace(/_/g, ' ')} on this case`);
}

function checkStage(state: CaseState, type: ActionType): Check {
  if (state.stage === 'closed' && type !== 'reopen') return conflict('Case is closed; only the complainant can reopen it');
  const { stages } = ruleOf(type);
  if (stages.includes(state.stage)) return OK;
  return conflict(`Case is in stage ${state.stage}; ${type} is only possible in ${stages.join(' or ')}`);
}

function checkSituation(state: CaseState, type: ActionType, now: number): Check {
  return ruleOf(type).when?.(state, now) ?? OK;
}

function checkArguments(state: CaseState, action: CaseAction, now: number): Check {
  const rule = ruleOf(action.type);
  const parsed = rule.args().safeParse(action);
  if (parsed.success) return firstRefusal([rule.alsoRequires?.(parsed.data) ?? OK, rule.fitsCase?.(state, parsed.data, now) ?? OK]);
  const issue = parsed.error.issues[0];
  const field = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return invalid(`${field}${issue?.message ?? 'invalid arguments'}`);
}

/** Who first (forbidden), then when (conflict), then what (invalid). */
export function checkAction(state: CaseState, action: CaseAction, actor: ActorOrSystem, now: number): Check {
  return firstRefusal([
    checkPermission(state, action.type, actor),
    checkStage(state, action.type),
    checkSituation(state, action.type, now),
    checkArguments(state, action, now),
  ]);
}

/** Applies an action that `checkAction` allows; throws otherwise. Never mutates `state`. */
export function applyAction(state: CaseState, action: CaseAction, actor: ActorOrSystem, now: number): Transition {
  const check = checkAction(state, action, actor, now);
  if (!check.ok) throw new Error(`${action.type} refused (${check.code}): ${check.reason}`);
  // Any action by a person or the system means someone is handling the case again.
  return ruleOf(action.type).apply({ ...state, overdue: false }, action, actor, now);
}

/** Every action this actor could take right now, given arguments that pass: drives UI buttons and the API's allowedActions. */
export function allowedActions(state: CaseState, actor: ActorOrSystem, now: number): ActionType[] {
  return ACTION_TYPES.filter((type) => firstRefusal([checkPermission(state, type, actor), checkStage(state, type), checkSituation(state, type, now)]).ok);
}

/** Who may take an action, in the words of the person refused it. */
export function whoMayTake(type: ActionType): { zh: string; en: string } {
  return ruleOf(type).who.label;
}

/** A valid action of this type, whatever the case: examples in the API document and in tests. */
export function exampleOf(type: ActionType): CaseAction {
  return ruleOf(type).example as CaseAction;
}

/** The specialty a request or an assignment falls back on when staff name none. */
export function defaultSpecialtyOf(state: CaseState): Specialty {
  return CATEGORIES[state.category].defaultSpecialty;
}
