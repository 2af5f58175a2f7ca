/** A case's timeline for administrators: every event, every stage visit, and its workflow. */
import type { ApiContext, Caller } from '../context';
import { problems } from '../problem';
import { findVisibleCase } from './queries';
import type { Timeline } from './schemas';
import { toIso, toIsoOrNull } from './view';
import type { StoredCaseEvent } from '../../db/models';
import { handlingHistory } from './handling-history';

/**
 * Events 1..seq of a case, each read by its `_id` (`<caseId>:<seq>`): the only
 * lookup FerretDB's SQLite backend answers from an index. A filter on `caseId`
 * would scan and decode every event of every case.
 */
async function eventsUpTo(ctx: ApiContext, caseId: string, seq: number): Promise<StoredCaseEvent[]> {
  const seqs = Array.from({ length: Math.max(0, seq) }, (_, i) => i + 1);
  const found = await Promise.all(seqs.map((n) => ctx.db.models.CaseEvent.findById(`${caseId}:${n}`).lean<StoredCaseEvent>()));
  return found.filter((event) => event !== null);
}

export async function getTimeline(ctx: ApiContext, caller: Caller, caseId: string): Promise<Timeline> {
  if (caller.role !== 'admin') throw problems.forbidden('Timelines are for administrators');
  const doc = await findVisibleCase(ctx, caller, caseId);
  const [events, described] = await Promise.all([eventsUpTo(ctx, caseId, doc.seq), ctx.cases.describeCase(caseId)]);
  const ui = ctx.config.temporalUiUrl;
  const webUiUrl = ui ? `${ui.replace(/\/$/, '')}/namespaces/${encodeURIComponent(ctx.config.temporalNamespace)}/workflows/${encodeURIComponent(caseId)}` : null;
  return {
    caseId,
    caseNumber: doc.caseNumber,
    events: events.map((e) => ({
      seq: e.seq,
      at: toIso(e.at),
      type: e.type,
      stage: e.stage,
      fromStage: e.fromStage,
      actor: e.actor,
      centreId: e.centreId,
      level: e.level,
      detail: e.detail,
    })),
    stages: doc.visits.map((v) => ({
      stage: v.stage,
      centreId: v.centreId,
      level: v.level,
      enteredAt: toIso(v.enteredAt),
      leftAt: toIsoOrNull(v.leftAt),
      deadline: toIsoOrNull(v.deadline),
      breached: v.breached,
      durationMs: v.leftAt === null ? null : v.leftAt - v.enteredAt,
    })),
    policyVersion: doc.slaPolicy.version,
    handling: handlingHistory(doc, events),
    workflow: { workflowId: caseId, runId: described?.runId ?? null, status: described?.status ?? null, historyLength: described?.historyLength ?? null, webUiUrl },
  };
}
