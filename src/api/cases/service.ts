import { createHash, randomBytes } from 'node:crypto';
import { allocateSerial, isDuplicateKeyError } from '../../db/serials';
import { ApplicationFailure, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/common';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import {
  CATEGORIES,
  DEFAULT_SLA_POLICY,
  allowedActions,
  checkAction,
  formatCaseNumber,
  isOverdueAt,
  isStaffOf,
  scalePolicy,
  scoreRisk,
  stageDeadline,
  visibleTo,
  type CaseAction,
  type CaseState,
  type SlaPolicy,
} from '../../domain';
import type { CaseDoc } from '../../db/models';
import { newestFirst, type MirroredCase } from '../../db/case-mirror';
import { caseActionUpdate, REFUSAL_TYPES, type CaseWorkflowInput } from '../../../workflows/definitions';
import { maskPhone } from '../../privacy';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, problems, PROBLEM_TYPES } from '../problem';
import { writeAudit } from '../audit';
import type { ActionBody, IntakeBody, ListQuery } from './schemas';

export type StoredCase = CaseDoc & { _id: string };

const toMs = (value: Date | null | undefined): number | null => (value ? new Date(value).getTime() : null);
const toIso = (value: Date | number | null | undefined): string | null => (value === null || value === undefined ? null : new Date(value).toISOString());

export function slaPolicyOf(ctx: ApiContext): SlaPolicy {
  return scalePolicy(DEFAULT_SLA_POLICY, ctx.config.timeScale);
}

/** The projection as the domain's CaseState, so the API asks the same rules the workflow applies. */
export function stateFromProjection(doc: StoredCase, slaPolicy: SlaPolicy): CaseState {
  return {
    caseId: doc._id,
    caseNumber: doc.caseNumber,
    category: doc.category as CaseState['category'],
    kind: doc.kind as CaseState['kind'],
    complainantId: doc.complainant?.personId ?? '',
    reportedById: doc.reportedById ?? '',
    stage: doc.stage as CaseState['stage'],
    status: doc.status as CaseState['status'],
    centreId: doc.centreId,
    centrePath: [...doc.centrePath],
    level: doc.level as CaseState['level'],
    risk: doc.risk as CaseState['risk'],
    riskFactors: (doc.riskFactors ?? []) as CaseState['riskFactors'],
    riskConfirmed: Boolean(doc.riskConfirmed),
    deadline: toMs(doc.deadline),
    warnAt: toMs(doc.warnAt),
    overdue: Boolean(doc.overdue),
    mediatorId: doc.mediatorId ?? null,
    expertId: doc.expertId ?? null,
    expertRequest: (doc.expertRequest ?? null) as CaseState['expertRequest'],
    opinion: (doc.opinion ?? null) as CaseState['opinion'],
    sessions: (doc.sessions ?? []) as CaseState['sessions'],
    outcome: (doc.outcome ?? null) as CaseState['outcome'],
    agreement: (doc.agreement ?? null) as CaseState['agreement'],
    failure: (doc.failure ?? null) as CaseState['failure'],
    disposal: doc.disposal ?? null,
    closureSummary: doc.closureSummary ?? null,
    rating: doc.rating ?? null,
    feedbackComment: doc.feedbackComment ?? null,
    feedbackStatus: (doc.feedbackStatus ?? null) as CaseState['feedbackStatus'],
    reopenCount: doc.reopenCount ?? 0,
    reopenUntil: toMs(doc.reopenUntil),
    visits: (doc.visits ?? []).map((visit) => ({
      stage: visit.stage as CaseState['stage'],
      centreId: visit.centreId ?? '',
      level: visit.level as CaseState['level'],
      enteredAt: toMs(visit.enteredAt) ?? 0,
      leftAt: toMs(visit.leftAt),
      deadline: toMs(visit.deadline),
      warnAt: toMs(visit.warnAt),
      warned: Boolean(visit.warned),
      breached: Boolean(visit.breached),
    })),
    seq: doc.lastSeq,
    slaPolicy,
  };
}

// ---------------------------------------------------------------------------------------
// Who sees which cases
// ---------------------------------------------------------------------------------------

/** The visibility rule (visibleTo in src/domain/visibility.ts) on a stored case. */
export function canSee(doc: StoredCase, caller: Caller): boolean {
  return visibleTo(
    {
      centreId: doc.centreId,
      centrePath: doc.centrePath,
      complainantId: doc.complainant?.personId ?? null,
      reportedById: doc.reportedById ?? null,
      mediatorId: doc.mediatorId ?? null,
      expertId: doc.expertId ?? null,
      opinionExpertId: (doc.opinion as { expertId?: string } | null)?.expertId ?? null,
    },
    caller,
  );
}

/** Staff of the case and the complainant see the phone number; everyone else its masked form. */
function seesFullPhone(state: CaseState, caller: Caller): boolean {
  return isStaffOf(state, caller) || caller.personId === state.complainantId || caller.personId === state.reportedById;
}

function isOverdue(doc: StoredCase, now: number): boolean {
  return isOverdueAt({ overdue: Boolean(doc.overdue), status: doc.status, deadline: toMs(doc.deadline) }, now);
}

/** People's names change only when the directory is re-seeded: a minute's staleness is fine. */
const NAME_TTL_MS = 60_000;
const nameCache = new WeakMap<object, Map<string, { name: string | null; at: number }>>();

async function namesOf(ctx: ApiContext, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
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

export interface CaseView {
  [key: string]: unknown;
}

export function caseView(ctx: ApiContext, doc: StoredCase, caller: Caller, names: Map<string, string>, withActions: boolean): CaseView {
  const now = Date.now();
  const state = stateFromProjection(doc, slaPolicyOf(ctx));
  const phone = doc.complainant?.phone ?? '';
  const opinion = state.opinion;
  const view: CaseView = {
    id: doc._id,
    caseNumber: doc.caseNumber,
    category: doc.category,
    kind: doc.kind,
    title: doc.title,
    description: doc.description,
    channel: doc.channel,
    stage: doc.stage,
    status: doc.status,
    centreId: doc.centreId,
    centrePath: doc.centrePath,
    level: doc.level,
    risk: doc.risk,
    riskFactors: state.riskFactors,
    riskConfirmed: state.riskConfirmed,
    deadline: toIso(doc.deadline),
    overdue: isOverdue(doc, now),
    mediator: state.mediatorId ? { id: state.mediatorId, name: names.get(state.mediatorId) ?? null } : null,
    expert: state.expertId ? { id: state.expertId, name: names.get(state.expertId) ?? null } : null,
    opinion: opinion ? { expertId: opinion.expertId, text: opinion.text, at: toIso(opinion.at) } : null,
    sessions: state.sessions.map((s) => ({ at: toIso(s.at), summary: s.summary, by: s.by })),
    outcome: state.outcome,
    agreement: state.agreement,
    failure: state.failure,
    disposal: state.disposal,
    closureSummary: state.closureSummary,
    rating: state.rating,
    feedbackComment: state.feedbackComment,
    feedbackStatus: state.feedbackStatus,
    reopenCount: state.reopenCount,
    location: { centreId: doc.location?.centreId ?? '', address: doc.location?.address ?? '', lat: doc.location?.lat ?? null, lng: doc.location?.lng ?? null },
    complainant: {
      personId: state.complainantId,
      name: doc.complainant?.name ?? '',
      phone: seesFullPhone(state, caller) ? phone : (doc.complainant?.phoneMasked ?? maskPhone(phone)),
    },
    parties: (doc.parties ?? []).map((p) => ({ name: p.name ?? '', role: p.role ?? '' })),
    affectedCount: doc.affectedCount ?? null,
    reportedById: state.reportedById,
    receivedAt: toIso(doc.receivedAt),
    updatedAt: toIso(doc.updatedAt),
    closedAt: toIso(doc.closedAt),
  };
  if (withActions) view.allowedActions = allowedActions(state, caller, now);
  return view;
}

async function workflowExists(ctx: ApiContext, caseId: string): Promise<boolean> {
  try {
    await ctx.temporal.client.workflow.getHandle(caseId).describe();
    return true;
  } catch (error) {
    if (isWorkflowGone(error)) return false;
    throw error;
  }
}

const PROJECTION_WAIT_MS = 5000;

/**
 * The projection by id. Intake answers before the first activity has written it, so
 * when the workflow exists but its projection does not yet, wait a moment for it.
 */
export async function loadProjection(ctx: ApiContext, caseId: string): Promise<StoredCase | null> {
  const read = async () => (await ctx.db.models.Case.findById(caseId).lean()) as StoredCase | null;
  const doc = await read();
  if (doc || !(await workflowExists(ctx, caseId))) return doc;
  const until = Date.now() + PROJECTION_WAIT_MS;
  while (Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const written = await read();
    if (written) return written;
  }
  throw problems.unavailable(`Case ${caseId} is still being recorded`, 1);
}

/** Reads one case the caller may see; 404 otherwise (another centre's case looks like no case). */
export async function findVisibleCase(ctx: ApiContext, caller: Caller, caseId: string): Promise<StoredCase> {
  const doc = await loadProjection(ctx, caseId);
  if (!doc || !canSee(doc, caller)) throw problems.notFound(`No case ${caseId} that you can see`);
  return doc;
}

export async function getCase(ctx: ApiContext, caller: Caller, caseId: string): Promise<CaseView> {
  const doc = await findVisibleCase(ctx, caller, caseId);
  const names = await namesOf(ctx, [doc.mediatorId, doc.expertId]);
  return caseView(ctx, doc, caller, names, true);
}

export async function listCases(ctx: ApiContext, caller: Caller, query: ListQuery) {
  // From the process's copy of case_index (see case-mirror.ts): FerretDB's
  // SQLite backend answers every filter but `_id` by decoding every document.
  const now = Date.now();
  const q = query.q ? query.q.toLowerCase() : null;
  const matches: MirroredCase[] = [];
  for (const entry of await ctx.caseMirror.current()) {
    if (!visibleTo(entry, caller)) continue;
    if (query.stage && entry.stage !== query.stage) continue;
    if (query.level && entry.level !== query.level) continue;
    if (query.risk && entry.risk !== query.risk) continue;
    if (query.status && entry.status !== query.status) continue;
    if (query.centreId && !entry.centrePath.includes(query.centreId)) continue;
    if (query.overdue !== undefined && isOverdueAt(entry, now) !== query.overdue) continue;
    if (q !== null && !entry.title.toLowerCase().includes(q) && !entry.caseNumber.toLowerCase().includes(q)) continue;
    matches.push(entry);
  }
  matches.sort(newestFirst);
  const pageIds = matches.slice((query.page - 1) * query.pageSize, query.page * query.pageSize).map((match) => match.id);
  // The page's full documents, each by `_id` (an `$in` is not pushed down either
  // and would scan), or from memory while unchanged since they were read.
  const stored = (await ctx.caseMirror.documentsOf(pageIds)) as unknown as StoredCase[];
  const names = await namesOf(ctx, stored.flatMap((d) => [d.mediatorId, d.expertId]));
  const items = stored.map((doc) => {
    const view = caseView(ctx, doc, caller, names, false);
    delete view.description;
    return view;
  });
  return { items, page: query.page, pageSize: query.pageSize, total: matches.length };
}

// ---------------------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------------------

function dayKey(now: number): string {
  return new Date(now).toISOString().slice(0, 10).replace(/-/g, '');
}

function nextSerial(ctx: ApiContext, now: number): Promise<number> {
  return allocateSerial(ctx.db.models, `case-number:${dayKey(now)}`);
}

/**
 * The case number of a new intake. With an Idempotency-Key the first request
 * claims its number under the key's case id, and a retry (even after a crash
 * between claim and start) reuses it without taking a new serial: a serial
 * taken and not used is a hole in the day's numbering, which an auditor reads
 * as a missing case. The claim packs the day and the serial into one number:
 * yyyymmdd × 10^6 + serial. Only two requests with one key served at the same
 * moment can still leave a hole: both take a serial, one claim wins.
 */
async function caseNumberFor(ctx: ApiContext, caseId: string, idempotencyKey: string | undefined, now: number): Promise<string> {
  if (idempotencyKey === undefined) return formatCaseNumber(now, await nextSerial(ctx, now));
  const claimId = `idempotency:${caseId}`;
  const earlier = await ctx.db.models.Counter.findById(claimId).lean();
  if (earlier) return unpackCaseNumber(earlier.value);
  const packed = Number(dayKey(now)) * 1_000_000 + (await nextSerial(ctx, now));
  try {
    await ctx.db.models.Counter.collection.insertOne({ _id: claimId as never, value: packed });
    return unpackCaseNumber(packed);
  } catch (error) {
    // Another request with this key claimed first: its number is the case's.
    if (!isDuplicateKeyError(error)) throw error;
    const winner = await ctx.db.models.Counter.findById(claimId).lean();
    if (!winner) throw error;
    return unpackCaseNumber(winner.value);
  }
}

function unpackCaseNumber(packed: number): string {
  const day = Math.floor(packed / 1_000_000);
  const dayMs = Date.UTC(Math.floor(day / 10_000), Math.floor((day % 10_000) / 100) - 1, day % 100);
  return formatCaseNumber(dayMs, packed % 1_000_000);
}

export function caseIdFor(idempotencyKey: string | undefined, personId: string): string {
  if (idempotencyKey === undefined) return `case_${randomBytes(12).toString('hex')}`;
  return `case_${createHash('sha256').update(`${idempotencyKey}\u0000${personId}`).digest('hex').slice(0, 24)}`;
}

interface IntakeResult {
  status: 201 | 200;
  body: Record<string, unknown>;
  replayed: boolean;
}

async function resolveComplainant(ctx: ApiContext, caller: Caller, body: IntakeBody, villageId: string, villagePath: string[]): Promise<string> {
  const named = body.complainant.personId;
  switch (caller.role) {
    case 'resident':
      if (named !== undefined && named !== caller.personId) throw problems.forbidden('A resident reports for themselves; leave complainant.personId out');
      return caller.personId;
    case 'expert':
      throw problems.forbidden('Experts give opinions; they do not take complaints');
    case 'grid_worker':
      if (caller.centreId !== villageId) throw problems.forbidden('Grid workers report for their own village or community only');
      break;
    case 'mediator':
    case 'admin':
      if (caller.centreId === undefined || !villagePath.includes(caller.centreId)) {
        throw problems.forbidden('Staff take complaints for places in their own centre’s area only');
      }
      break;
  }
  if (named === undefined || named === caller.personId) return caller.personId;
  const person = await ctx.db.models.Person.findById(named, { role: 1, centreId: 1 }).lean();
  if (!person || person.role !== 'resident' || person.centreId !== villageId) {
    throw problems.validation([{ name: 'body.complainant.personId', reason: 'must be a resident of the reported village or community' }]);
  }
  return named;
}

export async function createCase(ctx: ApiContext, caller: Caller, body: IntakeBody, idempotencyKey: string | undefined): Promise<IntakeResult> {
  const centre = await ctx.centres.get(body.location.centreId);
  if (!centre) throw problems.validation([{ name: 'body.location.centreId', reason: 'unknown centre' }]);
  if (centre.level !== 'village') {
    throw problems.validation([{ name: 'body.location.centreId', reason: `must be a village or community centre, not a ${centre.level}` }]);
  }
  const complainantId = await resolveComplainant(ctx, caller, body, centre.id, centre.path);
  const caseId = caseIdFor(idempotencyKey, caller.personId);

  if (idempotencyKey !== undefined) {
    const existing = (await ctx.db.models.Case.findById(caseId).lean()) as StoredCase | null;
    if (existing) return { status: 200, body: createdView(existing), replayed: true };
  }

  const now = Date.now();
  const parties = body.parties ?? [];
  const { risk, factors } = scoreRisk({
    category: body.category,
    title: body.title,
    description: body.description,
    partyCount: 1 + parties.length,
    ...(body.affectedCount !== undefined ? { affectedCount: body.affectedCount } : {}),
  });
  const caseNumber = await caseNumberFor(ctx, caseId, idempotencyKey, now);
  const slaPolicy = slaPolicyOf(ctx);
  const input: CaseWorkflowInput = {
    opening: { caseId, caseNumber, category: body.category, complainantId, reportedById: caller.personId, centrePath: centre.path, risk, riskFactors: factors, slaPolicy, now },
    intake: {
      title: body.title,
      description: body.description,
      channel: body.channel,
      location: { centreId: centre.id, address: body.location.address, lat: body.location.lat ?? null, lng: body.location.lng ?? null },
      complainant: { personId: complainantId, name: body.complainant.name, phone: body.complainant.phone },
      parties,
      affectedCount: body.affectedCount ?? null,
    },
    intakeAudit: {
      actor: { personId: caller.personId, role: caller.role, centreId: caller.centreId },
      action: 'intake',
      outcome: 'ok',
      status: 201,
      detail: { channel: body.channel, category: body.category, centreId: centre.id, risk, complainantPhone: maskPhone(body.complainant.phone), idempotent: idempotencyKey !== undefined },
    },
  };

  let replayed = false;
  try {
    await ctx.temporal.client.workflow.start('caseWorkflow', {
      taskQueue: ctx.config.taskQueue,
      workflowId: caseId,
      args: [input],
      ...(idempotencyKey !== undefined ? { workflowIdConflictPolicy: 'USE_EXISTING' as const, workflowIdReusePolicy: 'REJECT_DUPLICATE' as const } : {}),
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError) || idempotencyKey === undefined) throw error;
    replayed = true; // the case ran and finished under this key
  }
  if (replayed) {
    const existing = (await ctx.db.models.Case.findById(caseId).lean()) as StoredCase | null;
    if (existing) return { status: 200, body: createdView(existing), replayed: true };
  }
  // Built from what we know: nothing waits for the workflow or for a person.
  return {
    status: 201,
    replayed,
    body: {
      id: caseId,
      caseNumber,
      stage: 'intake',
      status: 'open',
      centreId: centre.id,
      centrePath: centre.path,
      level: centre.level,
      category: body.category,
      kind: CATEGORIES[body.category].kind,
      risk,
      riskFactors: factors,
      deadline: toIso(stageDeadline(slaPolicy, 'intake', risk, now)),
      receivedAt: toIso(now),
    },
  };
}

function createdView(doc: StoredCase): Record<string, unknown> {
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
    deadline: toIso(doc.deadline),
    receivedAt: toIso(doc.receivedAt),
  };
}

// ---------------------------------------------------------------------------------------
// Actions
// ---------------------------------------------------------------------------------------

const REFUSAL_STATUS: Record<string, { status: number; type: string; title: string }> = {
  [REFUSAL_TYPES.forbidden]: { status: 403, type: PROBLEM_TYPES.forbidden, title: 'Forbidden' },
  [REFUSAL_TYPES.conflict]: { status: 409, type: PROBLEM_TYPES.conflict, title: 'Conflict with the case state' },
  [REFUSAL_TYPES.invalid]: { status: 400, type: PROBLEM_TYPES.validation, title: 'Invalid request' },
};

function refusalProblem(code: 'forbidden' | 'conflict' | 'invalid', reason: string): HttpProblem {
  const mapped = REFUSAL_STATUS[REFUSAL_TYPES[code]] as { status: number; type: string; title: string };
  return new HttpProblem({ ...mapped, detail: reason, reason });
}

function isWorkflowGone(error: unknown): boolean {
  if (error instanceof WorkflowNotFoundError) return true;
  const message = (error as Error | undefined)?.message ?? '';
  return /workflow execution already completed|workflow not found/i.test(message);
}

/**
 * Runs an action through the workflow (the authority) and answers with the case as
 * GET shows it. A fast local check answers 403 without touching Temporal.
 */
export async function performAction(ctx: ApiContext, caller: Caller, caseId: string, body: ActionBody): Promise<CaseView> {
  const action: CaseAction = body;
  const audit = (outcome: string, status: number, detail: Record<string, unknown> = {}) =>
    writeAudit(ctx, { actor: caller, action: action.type, caseId, outcome, status, detail });

  const doc = await loadProjection(ctx, caseId);
  if (!doc) {
    await audit('not_found', 404);
    throw problems.notFound(`No case ${caseId}`);
  }
  const state = stateFromProjection(doc, slaPolicyOf(ctx));
  const local = checkAction(state, action, caller, Date.now());
  if (!local.ok && local.code === 'forbidden') {
    await audit('refused', 403, { code: local.code, reason: local.reason });
    // Someone who cannot see the case learns nothing beyond "not yours".
    throw canSee(doc, caller) ? refusalProblem('forbidden', local.reason) : problems.forbidden('You may not act on this case');
  }

  const actor = { kind: 'person' as const, personId: caller.personId, role: caller.role, ...(caller.centreId ? { centreId: caller.centreId } : {}), ...(caller.centrePath ? { centrePath: caller.centrePath } : {}) };
  try {
    await ctx.temporal.client.workflow.getHandle(caseId).executeUpdate(caseActionUpdate, { args: [{ action, actor }] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure) {
      const code = (Object.keys(REFUSAL_TYPES) as (keyof typeof REFUSAL_TYPES)[]).find((key) => REFUSAL_TYPES[key] === (error.cause as ApplicationFailure).type);
      if (code) {
        const reason = error.cause.message;
        const problem = refusalProblem(code, reason);
        await audit('refused', problem.problem.status, { code, reason });
        throw problem;
      }
    }
    if (isWorkflowGone(error)) {
      await audit('refused', 409, { code: 'closed', reason: 'case is closed' });
      throw problems.caseClosed();
    }
    await audit('error', 503, { error: (error as Error).name });
    throw error;
  }
  // The audit record and the read of the projection the update has just written are independent: one round trip, not two.
  const [updated] = await Promise.all([ctx.db.models.Case.findById(caseId).lean() as Promise<StoredCase | null>, audit('ok', 200)]);
  if (!updated) throw new Error(`case ${caseId} vanished after an action`);
  const names = await namesOf(ctx, [updated.mediatorId, updated.expertId]);
  return caseView(ctx, updated, caller, names, true);
}

// ---------------------------------------------------------------------------------------
// Timeline
// ---------------------------------------------------------------------------------------

/**
 * Events 1..lastSeq of a case, each read by its `_id` (`<caseId>:<seq>`): the
 * only lookup FerretDB's SQLite backend answers from an index. A filter on
 * `caseId` made it scan and decode every event of every case.
 */
async function eventsUpTo(ctx: ApiContext, caseId: string, lastSeq: number) {
  const seqs = Array.from({ length: Math.max(0, lastSeq) }, (_, i) => i + 1);
  const found = await Promise.all(seqs.map((seq) => ctx.db.models.CaseEvent.findById(`${caseId}:${seq}`).lean()));
  return found.filter((event) => event !== null);
}

export async function getTimeline(ctx: ApiContext, caller: Caller, caseId: string) {
  if (caller.role !== 'admin') throw problems.forbidden('Timelines are for administrators');
  const doc = await findVisibleCase(ctx, caller, caseId);
  const events = await eventsUpTo(ctx, caseId, doc.lastSeq);
  let workflow: { workflowId: string; runId: string | null; status: string | null; historyLength: number | null; webUiUrl: string | null } = {
    workflowId: caseId,
    runId: null,
    status: null,
    historyLength: null,
    webUiUrl: null,
  };
  try {
    const described = await ctx.temporal.client.workflow.getHandle(caseId).describe();
    workflow = { ...workflow, runId: described.runId, status: described.status.name, historyLength: described.historyLength };
  } catch (error) {
    if (!isWorkflowGone(error)) throw error;
  }
  const ui = ctx.config.temporalUiUrl;
  if (ui) workflow.webUiUrl = `${ui.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(caseId)}`;
  return {
    caseId,
    caseNumber: doc.caseNumber,
    events: events.map((e) => ({
      seq: e.seq,
      at: toIso(e.at),
      type: e.type,
      stage: e.stage,
      fromStage: e.fromStage ?? null,
      actor: e.actor as Record<string, unknown>,
      centreId: e.centreId,
      level: e.level,
      detail: (e.detail ?? {}) as Record<string, unknown>,
    })),
    stages: (doc.visits ?? []).map((v) => ({
      stage: v.stage,
      centreId: v.centreId,
      level: v.level,
      enteredAt: toIso(v.enteredAt),
      leftAt: toIso(v.leftAt),
      deadline: toIso(v.deadline),
      breached: Boolean(v.breached),
      durationMs: v.leftAt && v.enteredAt ? new Date(v.leftAt).getTime() - new Date(v.enteredAt).getTime() : null,
    })),
    workflow,
  };
}
