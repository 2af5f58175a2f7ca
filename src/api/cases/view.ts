/**
 * A stored case as the API shows it: who may see it, and the view each caller gets (the
 * phone masked for all but the case's staff and complainant, the actions allowed now).
 * The stored document is the domain's state itself, so the rules read it as it is.
 */
import {
  allowedActions,
  clockMs,
  clockTimeBetween,
  centresThatHeld,
  departmentsOf,
  expertQuestionOf,
  hasReadOnlySight,
  isOverdueAt,
  isStaffOf,
  isWorkingTimePolicy,
  movesOf,
  visibleTo,
  type CaseDocument,
  type CaseEvent,
  type CaseMove,
  type CaseParties,
  type CaseState,
  type DepartmentTask,
  type HandlingClock,
  type PathOf,
  type StageVisit,
} from '../../domain';
import type { ApiContext, Caller } from '../context';
import { phoneKeyOf } from '../../db/phone-key';
import type { CaseListItem, CaseView, CreatedCase } from './schemas';

export const toIso = (ms: number): string => new Date(ms).toISOString();
export const toIsoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms));

/** A stored case as the visibility rule reads it. */
function partiesOf(doc: CaseDocument): CaseParties {
  return { ...doc, heldBy: centresThatHeld(doc.visits), opinionExpertId: doc.opinion?.expertId ?? null, departmentIds: departmentsOf(doc), complainantPhoneKey: phoneKeyOf(doc.complainant.phone) };
}

/** The visibility rule (visibleTo in src/domain/visibility.ts) on a stored case. */
export function canSee(doc: CaseDocument, caller: Caller, pathOf: PathOf): boolean {
  return visibleTo(partiesOf(doc), caller, pathOf);
}

/** Staff of a centre the case has left, who follow it without acting on it. */
export function seesReadOnly(doc: CaseDocument, caller: Caller, pathOf: PathOf): boolean {
  return hasReadOnlySight(partiesOf(doc), caller, pathOf);
}

/** Staff of the case and the complainant see the phone number; everyone else its masked form. */
function seesFullPhone(state: CaseState, caller: Caller, phone: string): boolean {
  return isStaffOf(state, caller) || caller.personId === state.complainantId || caller.personId === state.reportedById || (caller.phoneKey !== undefined && caller.phoneKey === phoneKeyOf(phone));
}

/** People's names change only when the directory is re-seeded: a minute's staleness is fine. */
const NAME_TTL_MS = 60_000;
const nameCache = new WeakMap<object, Map<string, { name: string | null; at: number }>>();

export async function namesOf(ctx: ApiContext, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))];
  if (wanted.length === 0) return new Map();
  let cache = nameCache.get(ctx.db.models);
  if (!cache) nameCache.set(ctx.db.models, (cache = new Map()));
  const known = cache;
  const now = Date.now();
  const names = await Promise.all(
    wanted.map(async (id) => {
      const hit = known.get(id);
      if (hit && now - hit.at < NAME_TTL_MS) return hit.name;
      // One lookup by `_id` each: FerretDB answers `$in` by scanning every person.
      const person = await ctx.db.models.Person.findById(id, { name: 1 }).lean();
      const name = person?.name ?? null;
      known.set(id, { name, at: now });
      return name;
    }),
  );
  const result = new Map<string, string>();
  wanted.forEach((id, i) => {
    const name = names[i];
    if (typeof name === 'string') result.set(id, name);
  });
  return result;
}

/** The place as reported; cases filed before accuracy and source were kept have neither. */
function locationView(doc: CaseDocument): CaseListItem['location'] {
  const { centreId, address, lat, lng, accuracy, source } = doc.location;
  return { centreId, address, lat: lat ?? null, lng: lng ?? null, accuracy: accuracy ?? null, source: source ?? null };
}

/** A case as a list shows it: everything but the description, what the case went through and the actions allowed now. */
export function caseListItem(doc: CaseDocument, caller: Caller, names: Map<string, string>, pathOf: PathOf, now = Date.now()): CaseListItem {
  const opinion = doc.opinion;
  return {
    id: doc._id,
    caseNumber: doc.caseNumber,
    category: doc.category,
    kind: doc.kind,
    title: doc.title,
    channel: doc.channel,
    stage: doc.stage,
    status: doc.status,
    centreId: doc.centreId,
    centrePath: doc.centrePath,
    level: doc.level,
    risk: doc.risk,
    riskFactors: doc.riskFactors,
    riskConfirmed: doc.riskConfirmed,
    deadline: toIsoOrNull(doc.deadline),
    overdue: isOverdueAt(doc, now),
    mediator: doc.mediatorId ? { id: doc.mediatorId, name: names.get(doc.mediatorId) ?? null } : null,
    expert: doc.expertId ? { id: doc.expertId, name: names.get(doc.expertId) ?? null } : null,
    opinion: opinion ? { expertId: opinion.expertId, text: opinion.text, at: toIso(opinion.at) } : null,
    sessions: doc.sessions.map((s) => ({ at: toIso(s.at), summary: s.summary, by: s.by })),
    outcome: doc.outcome,
    agreement: doc.agreement,
    failure: doc.failure,
    disposal: doc.disposal,
    closureSummary: doc.closureSummary,
    rating: doc.rating,
    feedbackComment: doc.feedbackComment,
    feedbackStatus: doc.feedbackStatus,
    reopenCount: doc.reopenCount,
    location: locationView(doc),
    duplicateOf: doc.duplicateOf ? { id: doc.duplicateOf.caseId, caseNumber: doc.duplicateOf.caseNumber, at: toIso(doc.duplicateOf.at) } : null,
    complainant: {
      personId: doc.complainantId,
      name: doc.complainant.name,
      phone: seesFullPhone(doc, caller, doc.complainant.phone) ? doc.complainant.phone : doc.complainant.phoneMasked,
    },
    parties: doc.parties,
    affectedCount: doc.affectedCount,
    reportedById: doc.reportedById,
    receivedAt: toIso(doc.receivedAt),
    updatedAt: toIso(doc.updatedAt),
    closedAt: toIsoOrNull(doc.closedAt),
    readOnly: seesReadOnly(doc, caller, pathOf),
  };
}

function moveView(move: CaseMove, names: Map<string, string>): CaseView['moves'][number] {
  const by = move.by ? { ...move.by, name: names.get(move.by.personId) ?? null } : null;
  return { ...move, at: toIso(move.at), deadline: toIsoOrNull(move.deadline), by };
}

function departmentTaskView(task: DepartmentTask, names: Map<string, string>): CaseView['departmentTasks'][number] {
  const person = (id: string) => ({ id, name: names.get(id) ?? null });
  const result = task.result ? { text: task.result.text, at: toIso(task.result.at), by: person(task.result.by) } : null;
  return { departmentId: task.departmentId, centreId: task.centreId, task: task.task, assignedAt: toIso(task.assignedAt), by: person(task.by), status: task.status, result };
}

/** A stage visit as the case page and the timeline show it. */
export function stageVisitView(v: StageVisit): CaseView['stages'][number] {
  return {
    stage: v.stage,
    centreId: v.centreId,
    level: v.level,
    enteredAt: toIso(v.enteredAt),
    leftAt: toIsoOrNull(v.leftAt),
    deadline: toIsoOrNull(v.deadline),
    breached: v.breached,
  };
}

function stagesView(doc: CaseDocument): CaseView['stages'] {
  return doc.visits.map(stageVisitView);
}

/** Everything a case page shows, read from the case and its events. */
export interface CasePage {
  doc: CaseDocument;
  events: readonly CaseEvent[];
  names: Map<string, string>;
  pathOf: PathOf;
  /** Reports closed as duplicates of this case (those the caller may see, and how many in all). */
  duplicates?: CaseView['duplicates'];
}

/** The people a case page names: its mediator and expert, and who moved it. */
export function peopleOf(doc: CaseDocument, events: readonly CaseEvent[]): (string | null)[] {
  const departmentPeople = doc.departmentTasks.flatMap((task) => [task.by, task.result?.by ?? null]);
  return [doc.mediatorId, doc.expertId, ...movesOf(events).map((move) => move.by?.personId ?? null), ...departmentPeople];
}

/**
 * One case as its page shows it: with the description, why it came and what it went
 * through, the expert's question, and what the caller may do now.
 */
export function caseView(page: CasePage, caller: Caller): CaseView {
  const { doc, events, names, pathOf } = page;
  const now = Date.now();
  const question = expertQuestionOf(doc, events);
  return {
    ...caseListItem(doc, caller, names, pathOf, now),
    description: doc.description,
    allowedActions: allowedActions(doc, caller, now),
    moves: movesOf(events).map((move) => moveView(move, names)),
    stages: stagesView(doc),
    departmentTasks: doc.departmentTasks.map((task) => departmentTaskView(task, names)),
    expertQuestion: question ? { ...question, requestedAt: toIso(question.requestedAt) } : null,
    clocks: clocksView(doc, now),
    duplicates: page.duplicates ?? { count: 0, items: [] },
  };
}

/** When the centre that has the case still owes acceptance, and by when. */
export function acknowledgeBy(state: CaseState): number | null {
  if (!isWorkingTimePolicy(state.slaPolicy) || (state.stage !== 'intake' && state.stage !== 'escalation')) return null;
  return state.visits[state.visits.length - 1]?.deadline ?? null;
}

/**
 * The working time left on the handling limit at `now`, counted as the limit counts (service
 * time for working units): only the server holds the case's calendar, so the page cannot.
 */
function remainingOf(state: CaseState, clock: HandlingClock, now: number): number | null {
  if (!isWorkingTimePolicy(state.slaPolicy)) return null;
  if (clock.remainingMs !== null) return clock.remainingMs;
  return clock.deadline === null ? null : clockTimeBetween(state.slaPolicy, clock.limit, now, clock.deadline);
}

function workingDayMs(state: CaseState): number {
  return isWorkingTimePolicy(state.slaPolicy) ? clockMs(state.slaPolicy, { amount: 1, unit: 'working_days' }) : 86_400_000;
}

export function clocksView(state: CaseState, now = Date.now()): CaseView['clocks'] {
  const { handling, pause } = state;
  return {
    policyVersion: state.slaPolicy.version,
    workingTime: isWorkingTimePolicy(state.slaPolicy),
    acknowledgeBy: toIsoOrNull(acknowledgeBy(state)),
    handling: handling
      ? {
          centreId: handling.centreId,
          startedAt: toIso(handling.startedAt),
          limit: handling.limit,
          deadline: toIsoOrNull(handling.deadline),
          warned: handling.warned,
          remainingMs: remainingOf(state, handling, now),
          workingDayMs: workingDayMs(state),
        }
      : null,
    pause: pause ? { reason: pause.reason, note: pause.note, since: toIso(pause.since), until: toIso(pause.until), by: pause.by } : null,
    pausedMs: state.pausedMs,
    supervisions: state.supervisions.map((order) => ({
      ...order,
      issuedAt: toIso(order.issuedAt),
      replyBy: toIso(order.replyBy),
      reply: order.reply ? { ...order.reply, at: toIso(order.reply.at) } : null,
    })),
  };
}

/** What intake answers, from a case already stored (a repeated idempotent intake). */
export function createdView(doc: CaseDocument): CreatedCase {
  return {
    id: doc._id,
    caseNumber: doc.caseNumber,
    stage: doc.stage,
    status: doc.status,
    centreId: doc.centreId,
    centrePath: doc.centrePath,
    level: doc.level,
    category: doc.category,
    kind: doc.kind,
    risk: doc.risk,
    riskFactors: doc.riskFactors,
    deadline: toIsoOrNull(doc.deadline),
    acknowledgeBy: toIsoOrNull(acknowledgeBy(doc)),
    receivedAt: toIso(doc.receivedAt),
  };
}
