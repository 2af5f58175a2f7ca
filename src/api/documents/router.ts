/**
 * A case's documents: the mediation agreement as PDF, and judicial confirmation: recording
 * the hand-off of the agreement to a court and the bundle the court receives.
 */
import type { Response } from 'express';
import { z } from '../zod';
import { isPerson, type CaseDocument } from '../../domain';
import { agreementRecordedAt, applyBy, checkJudicialConfirmation } from '../../domain/judicial-confirmation';
import { callerOf } from '../auth';
import { requestAddress, writeAudit } from '../audit';
import type { ApiContext, Caller } from '../context';
import { HttpProblem, PROBLEM_TYPES, problems } from '../problem';
import { defineRoute, type RouteSpec } from '../routes';
import { caseParamsSchema } from '../cases/schemas';
import { findVisibleCase } from '../cases/queries';
import { eventsUpTo } from '../cases/history';
import { caseListItem, namesOf } from '../cases/view';
import { isDuplicateKeyError } from '../../db/errors';
import { handoffSchema, judicialSchema, prepareSchema } from './schemas';
import { agreementPdf, judicialBundlePdf, type AgreementFacts, type Handoff } from './agreement';

const TAGS = ['documents'];

const NO_AGREEMENT = { zh: '此案件尚未记录调解协议，暂无协议书可供下载。', en: 'This case has no recorded mediation agreement, so there is no agreement to download.' };

const bundleParamsSchema = caseParamsSchema.extend({ n: z.coerce.number().int().min(1).max(10_000) });

interface StoredHandoff {
  _id: string;
  caseId: string;
  court: string;
  at: Date;
  by: { personId: string; centreId: string };
}

/** A case's hand-offs, each by `_id` (`<caseId>:1`, `:2`, …) until one is missing: the only lookup FerretDB indexes. */
async function handoffsOf(ctx: ApiContext, caseId: string): Promise<StoredHandoff[]> {
  const found: StoredHandoff[] = [];
  for (let n = 1; ; n++) {
    const doc = await ctx.db.models.JudicialHandoff.findById(`${caseId}:${n}`).lean<StoredHandoff>();
    if (!doc) return found;
    found.push(doc);
  }
}

const numberOf = (handoff: StoredHandoff) => Number(handoff._id.slice(handoff._id.lastIndexOf(':') + 1));

async function handoffViews(ctx: ApiContext, stored: StoredHandoff[]) {
  const names = await namesOf(ctx, stored.map((h) => h.by.personId));
  return stored.map((h) => ({ n: numberOf(h), court: h.court, at: new Date(h.at).toISOString(), by: { ...h.by, name: names.get(h.by.personId) ?? null } }));
}

/** Everything the documents say that is not the case itself: names, the reader's view of the phone. */
async function factsOf(ctx: ApiContext, caller: Caller, doc: CaseDocument, extraPeople: string[] = []): Promise<AgreementFacts> {
  const centres = await ctx.centres.all();
  const pathOf = await ctx.centres.paths();
  const names = await namesOf(ctx, [doc.mediatorId, doc.complainantId, doc.reportedById, ...extraPeople]);
  // The centre that mediated: the one the case was at when it left mediation with the agreement.
  const mediation = [...doc.visits].reverse().find((visit) => visit.stage === 'mediation');
  const centreNameOf = (id: string) => centres.get(id)?.name.zh ?? id;
  return {
    doc,
    complainantPhone: caseListItem(doc, caller, names, pathOf).complainant.phone,
    mediatorName: doc.mediatorId ? (names.get(doc.mediatorId) ?? doc.mediatorId) : null,
    centreName: centreNameOf(mediation?.centreId ?? doc.centreId),
    centreNameOf,
    personNameOf: (id) => names.get(id) ?? null,
    timeZone: ctx.config.timeZone,
  };
}

function sendPdf(res: Response, bytes: Buffer, filename: string): void {
  res.status(200).set({
    'Content-Type': 'application/pdf',
    // Case numbers are ASCII: the name needs no RFC 5987 encoding.
    'Content-Disposition': `attachment; filename="${filename}"`,
    'Cache-Control': 'no-store',
  });
  res.end(bytes);
}

function conflictWithMessage(detail: string, message: { zh: string; en: string }): HttpProblem {
  return new HttpProblem({ type: PROBLEM_TYPES.conflict, title: 'Conflict with the case state', status: 409, detail, message });
}

/** The 403 or 409 of the judicial-confirmation rule, in the reader's words. */
function refusalOf(doc: CaseDocument, caller: Caller): HttpProblem | null {
  const check = checkJudicialConfirmation(doc, caller);
  if (check.ok) return null;
  if (check.code === 'forbidden') {
    return problems.forbidden(check.reason, { zh: '只有案件当前办理中心的工作人员可以准备司法确认材料。', en: 'Only staff of the centre that holds the case can prepare the judicial confirmation.' });
  }
  return conflictWithMessage(check.reason, NO_AGREEMENT);
}

/** Claims the next hand-off number by inserting it: the primary key gives each number to one request. */
async function recordHandoff(ctx: ApiContext, caseId: string, court: string, caller: Caller, now: Date): Promise<StoredHandoff> {
  const collection = ctx.db.models.JudicialHandoff.collection;
  let n = (await handoffsOf(ctx, caseId)).length + 1;
  for (;;) {
    const doc: StoredHandoff = { _id: `${caseId}:${n}`, caseId, court, at: now, by: { personId: caller.personId, centreId: caller.centreId ?? '' } };
    try {
      await collection.insertOne(doc as never);
      return doc;
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
      n += 1;
    }
  }
}

export function documentRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/agreement.pdf',
      summary: 'The mediation agreement (调解协议书) as PDF, in Chinese, with signature lines: for staff who see the case and its complainant',
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: {
        200: { description: 'The agreement', schema: z.string(), contentType: 'application/pdf' },
        404: { description: 'No such case, or not one the caller may see' },
        409: { description: 'The case has no recorded agreement' },
        503: { description: 'The CJK font is missing on the server (ONEDOOR_CJK_FONT)' },
      },
      async handler(req, res, { params }) {
        const caller = callerOf(req);
        const doc = await findVisibleCase(ctx, caller, params.id);
        if (agreementRecordedAt(doc) === null) throw conflictWithMessage('The case has no recorded mediation agreement', NO_AGREEMENT);
        const bytes = await agreementPdf(ctx.config, await factsOf(ctx, caller, doc));
        sendPdf(res, bytes, `agreement-${doc.caseNumber}.pdf`);
        await writeAudit(ctx, { actor: caller, action: 'case.agreement_pdf', caseId: doc._id, outcome: 'ok', status: 200, scope: doc.centrePath, address: requestAddress(req) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/judicial-confirmations',
      summary: "The case's hand-offs to a court for judicial confirmation (司法确认), the time left to apply, and whether the caller may prepare one",
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      responses: { 200: { description: 'The hand-offs, oldest first', schema: judicialSchema }, 404: { description: 'No such case, or not one the caller may see' } },
      async handler(req, res, { params }) {
        const caller = callerOf(req);
        const doc = await findVisibleCase(ctx, caller, params.id);
        const agreedAt = agreementRecordedAt(doc);
        res.json({
          caseId: doc._id,
          agreementAt: agreedAt === null ? null : new Date(agreedAt).toISOString(),
          applyBy: agreedAt === null ? null : new Date(applyBy(agreedAt)).toISOString(),
          mayPrepare: checkJudicialConfirmation(doc, caller).ok,
          handoffs: await handoffViews(ctx, await handoffsOf(ctx, doc._id)),
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/v1/cases/{id}/judicial-confirmations',
      summary: 'Prepare judicial confirmation: records who handed the agreement, the parties’ details and the case record to which court, and when (staff of the centre that holds the case)',
      tags: TAGS,
      auth: 'required',
      params: caseParamsSchema,
      body: prepareSchema,
      responses: {
        201: { description: 'The hand-off as recorded; its bundle is at …/judicial-confirmations/{n}/bundle.pdf', schema: handoffSchema },
        403: { description: 'Not staff of the centre that holds the case' },
        404: { description: 'No such case, or not one the caller may see' },
        409: { description: 'The case has no recorded agreement' },
      },
      async handler(req, res, { params, body }) {
        const caller = callerOf(req);
        const doc = await findVisibleCase(ctx, caller, params.id);
        const audit = { actor: caller, action: 'case.judicial_confirmation', caseId: doc._id, scope: doc.centrePath, address: requestAddress(req) };
        const refusal = refusalOf(doc, caller);
        if (refusal) {
          await writeAudit(ctx, { ...audit, outcome: 'refused', status: refusal.problem.status, detail: { court: body.court } });
          throw refusal;
        }
        const stored = await recordHandoff(ctx, doc._id, body.court, caller, new Date());
        const [view] = await handoffViews(ctx, [stored]);
        await writeAudit(ctx, { ...audit, outcome: 'ok', status: 201, detail: { court: body.court, n: view!.n } });
        res.status(201).location(`/api/v1/cases/${doc._id}/judicial-confirmations/${view!.n}/bundle.pdf`).json(view);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/v1/cases/{id}/judicial-confirmations/{n}/bundle.pdf',
      summary: 'The bundle of one hand-off as one PDF: a cover naming the court, the agreement, the parties’ details and the case record',
      tags: TAGS,
      auth: 'required',
      params: bundleParamsSchema,
      responses: {
        200: { description: 'The bundle', schema: z.string(), contentType: 'application/pdf' },
        404: { description: 'No such case or hand-off' },
        503: { description: 'The CJK font is missing on the server (ONEDOOR_CJK_FONT)' },
      },
      async handler(req, res, { params }) {
        const caller = callerOf(req);
        const doc = await findVisibleCase(ctx, caller, params.id);
        const stored = await ctx.db.models.JudicialHandoff.findById(`${doc._id}:${params.n}`).lean<StoredHandoff>();
        if (!stored) throw problems.notFound(`Case ${doc._id} has no hand-off ${params.n}`, { zh: '没有这份司法确认材料，请先准备司法确认。', en: 'There is no such judicial confirmation bundle; prepare the judicial confirmation first.' });
        const events = await eventsUpTo(ctx, doc._id, doc.seq);
        const people = events.flatMap((e) => (isPerson(e.actor) ? [e.actor.personId] : []));
        const f = await factsOf(ctx, caller, doc, [stored.by.personId, ...people]);
        const handoff: Handoff = { court: stored.court, at: new Date(stored.at).getTime(), by: { ...stored.by, name: f.personNameOf(stored.by.personId) } };
        sendPdf(res, await judicialBundlePdf(ctx.config, f, events, handoff), `judicial-confirmation-${doc.caseNumber}-${params.n}.pdf`);
        await writeAudit(ctx, { actor: caller, action: 'case.judicial_bundle_pdf', caseId: doc._id, outcome: 'ok', status: 200, detail: { n: params.n }, scope: doc.centrePath, address: requestAddress(req) });
      },
    }),
  ];
}
