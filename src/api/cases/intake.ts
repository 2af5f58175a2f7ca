/** Intake: a report becomes a case with a number, a first risk score and a running workflow. */
import { createHash, randomBytes } from 'node:crypto';
import { allocateSerial } from '../../db/serials';
import { findCaseDocument } from '../../db/models';
import { isDuplicateKeyError } from '../../db/errors';
import { auditScope, CATEGORIES, newCase, formatCaseNumber, localDay, scaleDeadlinePolicy, partyCountOf, scoreRisk, type DeadlinePolicy } from '../../domain';
import { policyForNewCase } from '../../db/deadline-policies';
import type { CaseWorkflowInput } from '../../../workflows/definitions';
import { maskPhone } from '../../domain/privacy';
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import type { IntakeBody } from './schemas';
import { locationIssues } from '../places/location';
import { acknowledgeBy, createdView, toIso, toIsoOrNull } from './view';
import { withClaimedFiles } from '../files/uploads';

// ---------------------------------------------------------------------------------------
// Intake
// ---------------------------------------------------------------------------------------

/** The policy in force for new cases; a running case keeps the one it was opened with. */
async function slaPolicyOf(ctx: ApiContext, now: number): Promise<DeadlinePolicy> {
  return scaleDeadlinePolicy(await policyForNewCase(ctx.db.models, now), ctx.config.timeScale);
}

/** Serials run per day of the centres' calendar, so a number's date is the day the centre received it. */
function nextSerial(ctx: ApiContext, day: string): Promise<number> {
  return allocateSerial(ctx.db.models, `case-number:${day}`);
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
  const day = localDay(now, ctx.config.timeZone);
  if (idempotencyKey === undefined) return formatCaseNumber(day, await nextSerial(ctx, day));
  const claimId = `idempotency:${caseId}`;
  const earlier = await ctx.db.models.Counter.findById(claimId).lean();
  if (earlier) return unpackCaseNumber(earlier.value);
  const packed = Number(day) * 1_000_000 + (await nextSerial(ctx, day));
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
  return formatCaseNumber(String(Math.floor(packed / 1_000_000)), packed % 1_000_000);
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
      if (named !== undefined && named !== caller.personId) throw problems.forbidden('A resident reports for themselves; leave complainant.personId out', { zh: '居民只能为本人反映问题。', en: 'A resident reports for themselves only.' });
      return caller.personId;
    case 'expert':
      throw problems.forbidden('Experts give opinions; they do not take complaints', { zh: '专家负责出具意见，不受理反映。', en: 'Experts give opinions; they do not take complaints.' });
    case 'grid_worker':
      if (caller.centreId !== villageId) throw problems.forbidden('Grid workers report for their own village or community only', { zh: '网格员只能为本村（社区）反映问题。', en: 'Grid workers report for their own village or community only.' });
      break;
    case 'mediator':
    case 'admin':
      if (caller.centreId === undefined || !villagePath.includes(caller.centreId)) {
        throw problems.forbidden('Staff take complaints for places in their own centre’s area only', { zh: '工作人员只能受理本中心辖区内的反映。', en: 'Staff take complaints for places in their own centre’s area only.' });
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

/** The client system an Open311 request came through, named on the intake's audit record. */
export interface IntakeClient {
  /** The system's name, as its key was issued. */
  name: string;
  /** The key's fingerprint. */
  keyId: string;
}

/** Where an intake came from: the client address, and for Open311 the client system. */
export interface IntakeOrigin {
  address?: string | null;
  client?: IntakeClient;
  /** Open311's `media_url`: a link to a picture, kept with the report. */
  mediaUrl?: string;
}

export async function createCase(ctx: ApiContext, caller: Caller, body: IntakeBody, idempotencyKey: string | undefined, origin: IntakeOrigin = {}): Promise<IntakeResult> {
  const { client, address = null } = origin;
  const centre = await ctx.centres.get(body.location.centreId);
  if (!centre) throw problems.validation([{ name: 'body.location.centreId', reason: 'unknown centre' }]);
  if (centre.closedAt !== null) throw problems.validation([{ name: 'body.location.centreId', reason: 'this centre is closed' }]);
  if (centre.level !== 'village') {
    throw problems.validation([{ name: 'body.location.centreId', reason: `must be a village or community centre, not a ${centre.level}` }]);
  }
  // Open311's requests come here by their own schema: the position rules hold for every channel.
  const placeIssues = locationIssues(body.location);
  if (placeIssues.length > 0) throw problems.validation(placeIssues.map((issue) => ({ name: `body.location.${issue.field}`, reason: issue.reason })));
  const complainantId = await resolveComplainant(ctx, caller, body, centre.id, centre.path);
  const caseId = caseIdFor(idempotencyKey, caller.personId);

  if (idempotencyKey !== undefined) {
    const existing = await findCaseDocument(ctx.db.models, caseId);
    if (existing) return { status: 200, body: createdView(existing), replayed: true };
  }

  const now = Date.now();
  const parties = body.parties ?? [];
  const { risk, factors } = scoreRisk({
    category: body.category,
    title: body.title,
    description: body.description,
    partyCount: partyCountOf(body.complainant.name, parties),
    ...(body.affectedCount !== undefined ? { affectedCount: body.affectedCount } : {}),
  });
  const caseNumber = await caseNumberFor(ctx, caseId, idempotencyKey, now);
  const slaPolicy = await slaPolicyOf(ctx, now);
  const input: CaseWorkflowInput = {
    opening: { caseId, caseNumber, category: body.category, complainantId, reportedById: caller.personId, centrePath: centre.path, risk, riskFactors: factors, slaPolicy, now, ...(body.files && body.files.length > 0 ? { files: [...new Set(body.files)] } : {}) },
    intake: {
      title: body.title,
      description: body.description,
      channel: body.channel,
      location: {
        centreId: centre.id,
        address: body.location.address,
        lat: body.location.lat ?? null,
        lng: body.location.lng ?? null,
        accuracy: body.location.accuracy ?? null,
        source: body.location.source ?? null,
      },
      complainant: { personId: complainantId, name: body.complainant.name, phone: body.complainant.phone },
      parties,
      affectedCount: body.affectedCount ?? null,
      ...(origin.mediaUrl ? { mediaUrl: origin.mediaUrl } : {}),
    },
    intakeAudit: {
      actor: { personId: caller.personId, role: caller.role, centreId: caller.centreId },
      action: 'intake',
      outcome: 'ok',
      status: 201,
      detail: { channel: body.channel, category: body.category, centreId: centre.id, risk, complainantPhone: maskPhone(body.complainant.phone), idempotent: idempotencyKey !== undefined, ...(client ? { client: client.name, clientKeyId: client.keyId } : {}) },
      // The village reported on and the reporter's centre; the worker adds the centre the case opened at.
      scope: auditScope(centre.path, caller.centrePath),
      address,
    },
  };

  // `ended`: the case ran and finished under this key.
  // Only the uploads' ids go to the workflow; each is claimed for this case first (src/api/files/uploads.ts).
  const { ended: replayed } = await withClaimedFiles(ctx, caller, caseId, input.opening.files, 'body.files', () => ctx.cases.startCase(input, { idempotent: idempotencyKey !== undefined }));
  if (replayed) {
    const existing = await findCaseDocument(ctx.db.models, caseId);
    if (existing) return { status: 200, body: createdView(existing), replayed: true };
  }
  // Built from what we know: nothing waits for the workflow or for a person.
  const opened = newCase(input.opening).state;
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
      deadline: toIsoOrNull(opened.deadline),
      acknowledgeBy: toIsoOrNull(acknowledgeBy(opened)),
      receivedAt: toIso(now),
    },
  };
}
